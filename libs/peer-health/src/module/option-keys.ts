import { PeerHealthConfigurationError } from '../base/errors/peer-health-configuration.error';
import type { PeerHealthEventStreamOptions } from '../base/interfaces/peer-health-event-stream-options.interface';
import type { PeerHealthTelemetryOptions } from '../base/interfaces/peer-health-telemetry-options.interface';
import type { PeerFlappingOptions, PeerMetadataLimits } from '../tracker/interfaces/peer-lease-health-tracker-options.interface';
import type { PeerHealthModuleExtras, PeerHealthModuleOptions } from './interfaces/peer-health-module-options.interface';

// Every key each options object takes. `satisfies Record<keyof T, true>` makes the compiler fail when
// an interface gains or loses a key that these lists do not, so the check cannot fall behind the types.
const MODULE_OPTION_KEYS = {
  heartbeatGracePeriodMs: true,
  healthPolicy: true,
  retentionMs: true,
  clock: true,
  timers: true,
  maxPeers: true,
  maxPeerIdLength: true,
  metadataLimits: true,
  flapping: true,
  maxPeerLabelValues: true,
  maxLabelValues: true,
  alertPublisher: true,
  logger: true,
  providerTimeoutMs: true,
  events: true,
  telemetry: true,
} as const satisfies Record<keyof PeerHealthModuleOptions, true>;

const EXTRA_KEYS = {
  isGlobal: true,
  controller: true,
  pathPrefix: true,
  guards: true,
  notModifiedAuthorizer: true,
  dashboard: true,
  guardDashboard: true,
  skipThrottle: true,
  openApi: true,
} as const satisfies Record<keyof PeerHealthModuleExtras, true>;

const NESTED_KEYS: Readonly<Record<string, readonly string[]>> = {
  metadataLimits: Object.keys({ maxEntriesPerPeer: true, maxKeyLength: true, maxValueLength: true } satisfies Record<keyof PeerMetadataLimits, true>),
  flapping: Object.keys({ transitions: true, windowMs: true } satisfies Record<keyof PeerFlappingOptions, true>),
  events: Object.keys(
    { replayEvents: true, maxUnreadBytes: true, keepAliveMs: true, maxWatchers: true, maxWatchersPerCredential: true } satisfies Record<keyof PeerHealthEventStreamOptions, true>,
  ),
  telemetry: Object.keys({ enabled: true, registry: true } satisfies Record<keyof PeerHealthTelemetryOptions, true>),
};

/** The names of the static extras (they shape the module, so `forRootAsync` takes them itself, not from its factory). */
export const PEER_HEALTH_EXTRA_KEYS: readonly string[] = Object.keys(EXTRA_KEYS);

/** Edit distance between two names, compared case-insensitively. */
function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (x[i - 1] === y[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[y.length] ?? 0;
}

/**
 * The known name closest to `given`, when it is close enough to be a likely typo or a shortened
 * name (`heartbeatGraceMs` -> `heartbeatGracePeriodMs`): at most 40% of the longer name's letters differ.
 */
export function nearestName(given: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const name of known) {
    const d = distance(given, name);
    if (d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  if (best === undefined) return undefined;
  return bestDistance <= Math.max(2, Math.ceil(0.4 * Math.max(given.length, best.length))) ? best : undefined;
}

function refuseUnknown(path: string, given: object, known: readonly string[], topLevel: boolean): void {
  for (const key of Object.keys(given)) {
    if (known.includes(key)) continue;
    const option = path === '' ? key : `${path}.${key}`;
    // forRoot() takes the extras out before the options get here: one found here came from a factory.
    if (topLevel && PEER_HEALTH_EXTRA_KEYS.includes(key)) {
      throw new PeerHealthConfigurationError(
        option,
        `Option '${key}' shapes the module (its routes and providers), so it cannot come from the forRootAsync() factory: ` +
          `give it to PeerHealthModule.forRootAsync({ ${key}, useFactory, ... }) itself.`,
      );
    }
    const nearest = nearestName(key, topLevel ? [...known, ...PEER_HEALTH_EXTRA_KEYS] : known);
    const hint = nearest === undefined ? `known options: ${known.join(', ')}` : `did you mean ${path === '' ? '' : `${path}.`}${nearest}?`;
    throw new PeerHealthConfigurationError(option, `Unknown option '${option}' of PeerHealthModule (${hint}).`);
  }
}

/**
 * Refuses keys that no option has, in the options object and in its nested objects, naming the key
 * and the nearest known name: a misspelt option would otherwise be ignored without a word.
 */
export function refuseUnknownOptions(options: object): void {
  refuseUnknown('', options, Object.keys(MODULE_OPTION_KEYS), true);
  const record = options as Readonly<Record<string, unknown>>;
  for (const [name, keys] of Object.entries(NESTED_KEYS)) {
    const nested = record[name];
    if (typeof nested === 'object' && nested !== null) refuseUnknown(name, nested, keys, false);
  }
}
