import { resolve } from 'node:path';
import ts from 'typescript';

/** Optional peers of the kit that an app may not install. */
const ABSENT = new Set(['prom-client', '@willsoto/nestjs-prometheus']);
const CONSUMER = resolve(__dirname, '../consumer-without-prom-client.ts');

/**
 * Type-checks `source` as an app file with skipLibCheck off, in a program where the optional peers
 * cannot be resolved, as in an app that did not install them.
 */
function typeCheck(source: string): string[] {
  const options: ts.CompilerOptions = {
    strict: true,
    skipLibCheck: false,
    // TypeScript's own lib files are not the subject here.
    skipDefaultLibCheck: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    types: ['node'],
  };
  const base = ts.createCompilerHost(options);
  const host: ts.CompilerHost = {
    ...base,
    fileExists: (file) => file === CONSUMER || base.fileExists(file),
    readFile: (file) => (file === CONSUMER ? source : base.readFile(file)),
    getSourceFile: (file, language, ...rest) =>
      file === CONSUMER ? ts.createSourceFile(file, source, language) : base.getSourceFile(file, language, ...rest),
    resolveModuleNameLiterals: (literals, containingFile, redirected, compilerOptions) =>
      literals.map(({ text }) =>
        ABSENT.has(text) ? { resolvedModule: undefined } : ts.resolveModuleName(text, containingFile, compilerOptions, host, undefined, redirected),
      ),
  };
  const program = ts.createProgram([CONSUMER], options, host);
  return ts
    .getPreEmitDiagnostics(program)
    .map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

describe('the published declarations in an app without prom-client', () => {
  it('type-check with skipLibCheck false', () => {
    const source = [
      // Proves the optional peers are really out of reach: resolving it would make this directive an error.
      '// @ts-expect-error prom-client is not installed in this app',
      "import type { Registry } from 'prom-client';",
      "import { PeerHealthModule, PeerLeaseHealthTracker, type PeerHealthMetricRegistry } from '@omnirelay/peer-health';",
      "const registry: PeerHealthMetricRegistry = { registerMetric: () => undefined, getSingleMetric: () => undefined };",
      'export const root = PeerHealthModule.forRoot({ telemetry: { enabled: true, registry } });',
      'const tracker = new PeerLeaseHealthTracker();',
      "tracker.recordLeaseHeartbeat('worker-1');",
      'export type Unused = Registry;',
      'export { tracker };',
      '',
    ].join('\n');
    expect(typeCheck(source)).toEqual([]);
  }, 120_000);
});
