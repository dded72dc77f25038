import { hostname } from 'node:os';

export const ROLES = ['all-in-one', 'control-plane', 'dispatcher', 'worker'] as const;
export type HostRole = (typeof ROLES)[number];

export interface HostConfig {
  readonly role: HostRole;
  readonly nodeId: string;
  readonly host: string;
  readonly port: number;
  readonly seeds: readonly string[];
  readonly dispatcherUrl: string | undefined;
  readonly region: string;
  readonly cluster: string;
  readonly scopes: readonly string[];
  readonly heartbeatGracePeriodMs: number;
  readonly gossipIntervalMs: number;
  readonly suspicionTimeoutMs: number;
  readonly leaseDurationMs: number;
  readonly produceIntervalMs: number;
  readonly workMs: number;
  readonly workerHeartbeatMs: number;
  readonly simulation: boolean;
  readonly syntheticPeers: number;
  readonly syntheticRate: number;
}

export class HostConfigError extends Error {
  override readonly name = 'HostConfigError';
}

type Kind = 'text' | 'int' | 'list' | 'url' | 'role' | 'switch';

interface Setting {
  readonly flag: string;
  readonly env: string;
  readonly kind: Kind;
  readonly help: string;
  readonly fallback?: string;
}

/** Every setting, its flag, its environment variable and its default: the single source of --help. */
const SETTINGS = {
  role: { flag: '--role', env: 'ROLE', kind: 'role', fallback: 'all-in-one', help: `one of ${ROLES.join(', ')}` },
  nodeId: { flag: '--node-id', env: 'NODE_ID', kind: 'text', help: 'this node\'s id in gossip and diagnostics (default: <role>-<hostname>)' },
  host: { flag: '--host', env: 'HOST', kind: 'text', fallback: '127.0.0.1', help: 'address to listen on' },
  port: { flag: '--port', env: 'PORT', kind: 'int', fallback: '8080', help: 'port to listen on; 0 picks a free one (the URL is printed)' },
  seeds: { flag: '--seeds', env: 'SEEDS', kind: 'list', fallback: '', help: 'comma-separated base URLs of nodes to join through' },
  dispatcherUrl: { flag: '--dispatcher-url', env: 'DISPATCHER_URL', kind: 'url', help: 'worker role: base URL of the dispatcher' },
  region: { flag: '--region', env: 'REGION', kind: 'text', fallback: 'local', help: 'gossiped region' },
  cluster: { flag: '--cluster', env: 'CLUSTER', kind: 'text', fallback: 'local', help: 'gossiped cluster' },
  scopes: { flag: '--scopes', env: 'SCOPES', kind: 'list', fallback: 'global,shard-00', help: 'leadership scopes' },
  heartbeatGracePeriodMs: { flag: '--grace-ms', env: 'HEARTBEAT_GRACE_MS', kind: 'int', fallback: '5000', help: 'heartbeat grace period of the tracker' },
  gossipIntervalMs: { flag: '--gossip-interval-ms', env: 'GOSSIP_INTERVAL_MS', kind: 'int', fallback: '1000', help: 'one gossip round every ...' },
  suspicionTimeoutMs: { flag: '--suspicion-timeout-ms', env: 'SUSPICION_TIMEOUT_MS', kind: 'int', fallback: '3000', help: 'silent this long: suspect; twice as long: dead' },
  leaseDurationMs: { flag: '--lease-duration-ms', env: 'LEASE_DURATION_MS', kind: 'int', fallback: '5000', help: 'dispatcher: a lease not heart-beaten this long expires' },
  produceIntervalMs: { flag: '--produce-interval-ms', env: 'PRODUCE_INTERVAL_MS', kind: 'int', fallback: '500', help: 'dispatcher, all-in-one: enqueue one work item every ... (0: none)' },
  workMs: { flag: '--work-ms', env: 'WORK_MS', kind: 'int', fallback: '1500', help: 'worker: time spent on one item' },
  workerHeartbeatMs: { flag: '--worker-heartbeat-ms', env: 'WORKER_HEARTBEAT_MS', kind: 'int', fallback: '1000', help: 'worker: heartbeat interval' },
  simulation: { flag: '--simulation', env: 'SIMULATION', kind: 'switch', fallback: 'on', help: 'all-in-one: in-process simulated workers (on/off)' },
  syntheticPeers: { flag: '--synthetic-peers', env: 'SYNTHETIC_PEERS', kind: 'int', fallback: '0', help: 'any role: this many synthetic fleet peers recorded in-process (load testing)' },
  syntheticRate: { flag: '--synthetic-rate', env: 'SYNTHETIC_RATE', kind: 'int', fallback: '10000', help: 'events per second of the synthetic fleet' },
} as const satisfies Record<keyof HostConfig, Setting>;

export const HOST_USAGE = [
  'Usage: omnirelay-control-plane [options]',
  '       omnirelay-control-plane peers <list|show|watch> [options]   (the operator CLI; see peers --help)',
  '',
  'Options (flag, environment variable, default):',
  ...Object.values(SETTINGS).map(
    (s: Setting) => `  ${`${s.flag} <value>`.padEnd(30)} ${s.env.padEnd(22)} ${s.help}${s.fallback ? ` [${s.fallback}]` : ''}`,
  ),
  '  --help                         print this help',
].join('\n');

function readFlags(argv: readonly string[]): Map<string, string> {
  const flags = new Map<string, string>();
  const known = new Set(Object.values(SETTINGS).map((s: Setting) => s.flag));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') {
      flags.set('--help', 'true');
      continue;
    }
    const [flag = '', inline] = arg.split(/=(.*)/s, 2);
    if (!known.has(flag)) throw new HostConfigError(`unknown option ${arg}`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new HostConfigError(`${flag} needs a value`);
    flags.set(flag, value);
  }
  return flags;
}

function convert(setting: Setting, raw: string): string | number | readonly string[] | boolean {
  const fail = (expected: string) => new HostConfigError(`${setting.flag} (${setting.env}) must be ${expected}, got "${raw}"`);
  switch (setting.kind) {
    case 'int': {
      const value = Number(raw);
      if (!Number.isSafeInteger(value) || value < 0 || (setting.flag === '--port' && value > 65535)) throw fail('a non-negative integer');
      return value;
    }
    case 'list':
      return raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
    case 'url':
      if (!/^https?:\/\/[^\s/]+\/?$/.test(raw)) throw fail('a base URL like http://127.0.0.1:8081');
      return raw.replace(/\/$/, '');
    case 'role':
      if (!(ROLES as readonly string[]).includes(raw)) throw fail(`one of ${ROLES.join(', ')}`);
      return raw;
    case 'switch':
      if (raw !== 'on' && raw !== 'off') throw fail('on or off');
      return raw === 'on';
    case 'text':
      if (raw.trim() === '' || raw.length > 256) throw fail('a non-blank value');
      return raw;
  }
}

/** Flags win over environment variables, which win over defaults. `help` is true for --help. */
export function parseHostConfig(argv: readonly string[], env: NodeJS.ProcessEnv): { help: boolean; config: HostConfig } {
  const flags = readFlags(argv);
  const values: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries(SETTINGS) as Array<[keyof HostConfig, Setting]>) {
    const raw = flags.get(setting.flag) ?? (env[setting.env] || undefined) ?? setting.fallback;
    values[key] = raw === undefined ? undefined : convert(setting, raw);
  }
  const role = values['role'] as HostRole;
  values['nodeId'] ??= `${role}-${hostname()}`;
  const config = values as unknown as HostConfig;
  if (role === 'worker' && config.dispatcherUrl === undefined && !flags.has('--help')) {
    throw new HostConfigError('the worker role needs --dispatcher-url (DISPATCHER_URL)');
  }
  return { help: flags.has('--help'), config };
}
