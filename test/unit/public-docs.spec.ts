import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import ts from 'typescript';

/** The declarations a consumer of the package sees. */
const ENTRY = resolve(__dirname, '../../libs/peer-health/dist/index.d.ts');

const program = ts.createProgram([ENTRY], { strict: true, skipLibCheck: true, types: [] });
const checker = program.getTypeChecker();
const entry = program.getSourceFile(ENTRY);
if (!entry) throw new Error(`${ENTRY} is missing: build first`);
const moduleSymbol = checker.getSymbolAtLocation(entry);
if (!moduleSymbol) throw new Error(`${ENTRY} has no exports`);
const exported = new Map(checker.getExportsOfModule(moduleSymbol).map((symbol) => [symbol.name, symbol]));

function documentation(symbol: ts.Symbol): string {
  return ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();
}

/** The export itself (through re-exports and aliases). */
function target(name: string): ts.Symbol {
  const symbol = exported.get(name);
  if (!symbol) throw new Error(`${name} is not exported`);
  return symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
}

/** Names of the members of an exported interface or class (public ones) without a doc comment. */
function undocumentedMembers(name: string): string[] {
  const symbol = target(name);
  const members = [...(symbol.members?.values() ?? [])].filter((member) => {
    if (member.name === '__constructor' && symbol.flags & ts.SymbolFlags.Class) return true;
    const declaration = member.declarations?.[0];
    if (!declaration) return false;
    const modifiers = ts.canHaveModifiers(declaration) ? (ts.getModifiers(declaration) ?? []) : [];
    return !modifiers.some((m) => m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword);
  });
  const missing = members.filter((member) => {
    if (member.name !== '__constructor') return documentation(member) === '';
    return (member.declarations ?? []).some((d) => ts.getJSDocCommentsAndTags(d).length === 0);
  });
  return missing.map((member) => `${name}.${member.name === '__constructor' ? 'constructor' : member.name}`);
}

const OPTION_AND_VALUE_TYPES = [
  'PeerLeaseHealthTrackerOptions',
  'PeerMetadataLimits',
  'PeerFlappingOptions',
  'PeerHealthModuleOptions',
  'PeerHealthModuleExtras',
  'PeerHealthTelemetryOptions',
  'PeerHealthEventStreamOptions',
  'PeerHealthFeatureOptions',
  'PeerHealthClassProvider',
  'PeerHealthValueProvider',
  'PeerHealthFactoryProvider',
  'PeerLeaseHandle',
  'PeerLeaseHealthSnapshot',
  'PeerLeaseHealthSummary',
  'PeerHealthTransition',
  'Clock',
  'PeerHealthTimers',
  'ScheduledTimer',
  'ManualClock',
  'PeerHealthPolicy',
  'GracePeriodPolicy',
  'GracePeriodPolicyOptions',
  'PhiAccrualPolicy',
  'PhiAccrualPolicyOptions',
  'PhiPeerHistory',
];

describe('the public declarations document every option', () => {
  it.each(OPTION_AND_VALUE_TYPES)('%s and each of its members has a doc comment', (name) => {
    expect(documentation(target(name))).not.toBe('');
    expect(undocumentedMembers(name)).toEqual([]);
  });

  it.each(['systemClock', 'systemTimers'])('%s has a doc comment', (name) => {
    expect(documentation(target(name))).not.toBe('');
  });
});

describe('the options table of docs/usage.md', () => {
  const usage = readFileSync(resolve(__dirname, '../../docs/usage.md'), 'utf8');
  /** The first cell of every table row: `name` or `name.sub`. */
  const rows = new Set([...usage.matchAll(/^\| `([A-Za-z.]+)`/gm)].map((match) => match[1]));

  it.each(['PeerHealthModuleOptions', 'PeerHealthModuleExtras', 'PeerHealthEventStreamOptions', 'PeerHealthTelemetryOptions'])(
    'has a row for every member of %s',
    (name) => {
      const prefix = name === 'PeerHealthEventStreamOptions' ? 'events.' : name === 'PeerHealthTelemetryOptions' ? 'telemetry.' : '';
      const type = checker.getDeclaredTypeOfSymbol(target(name));
      const members = checker.getPropertiesOfType(type).map((member) => `${prefix}${member.name}`);
      expect(members.length).toBeGreaterThan(1);
      // A nested object may be documented by its members (`events.replayEvents`) instead of itself.
      const missing = members.filter((member) => !rows.has(member) && ![...rows].some((row) => row?.startsWith(`${member}.`)));
      expect(missing).toEqual([]);
    },
  );
});
