import { hostname } from 'node:os';
import { decodeGossipKey, GOSSIP_KEYRING_MAX, GossipAddressPolicy, GossipAllowError, GossipKeyError } from '@omnirelay/mesh-gossip';

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
  /** Base64 cluster gossip key; never logged. */
  readonly gossipKey: string | undefined;
  /** Keyring for rotation, signing key first; never logged. */
  readonly gossipKeys: readonly string[];
  readonly gossipAllow: readonly string[];
  readonly gossipMaxMembers: number;
}

export class HostConfigError extends Error {
  override readonly name = 'HostConfigError';
}

type Kind = 'text' | 'int' | 'list' | 'url' | 'role' | 'switch' | 'secret' | 'secret-list';

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
  gossipKey: { flag: '--gossip-key', env: 'OMNIRELAY_GOSSIP_KEY', kind: 'secret', help: 'cluster key signing gossip (HMAC-SHA256), base64 of 32 bytes: openssl rand -base64 32; production needs one' },
  gossipKeys: { flag: '--gossip-keys', env: 'OMNIRELAY_GOSSIP_KEYS', kind: 'secret-list', fallback: '', help: 'key rotation: comma-separated keys, the first signs, all verify (instead of --gossip-key)' },
  gossipAllow: { flag: '--gossip-allow', env: 'GOSSIP_ALLOW', kind: 'list', fallback: '', help: 'CIDRs or host names members may advertise and be contacted at (default: loopback and the seeds\' networks)' },
  gossipMaxMembers: { flag: '--gossip-max-members', env: 'GOSSIP_MAX_MEMBERS', kind: 'int', fallback: '4096', help: 'gossip members known at once; more are refused and counted' },
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
    // Keys are checked here so a bad one stops the start-up; the messages never repeat the value.
    case 'secret':
      return checkedKeys(setting, [raw])[0] ?? '';
    case 'secret-list':
      return checkedKeys(setting, raw.split(',').map((s) => s.trim()).filter((s) => s !== ''));
  }
}

function checkedKeys(setting: Setting, keys: readonly string[]): readonly string[] {
  const name = `${setting.flag} (${setting.env})`;
  if (keys.length > GOSSIP_KEYRING_MAX) throw new HostConfigError(`${name} takes at most ${GOSSIP_KEYRING_MAX} keys`);
  keys.forEach((key, i) => {
    try {
      decodeGossipKey(key, keys.length > 1 ? `${name} key ${i + 1}` : name);
    } catch (error) {
      if (error instanceof GossipKeyError) throw new HostConfigError(error.message);
      throw error;
    }
  });
  return keys;
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
  if (config.gossipKey !== undefined && config.gossipKeys.length > 0) {
    throw new HostConfigError('give either --gossip-key (OMNIRELAY_GOSSIP_KEY) or --gossip-keys (OMNIRELAY_GOSSIP_KEYS), not both');
  }
  if (config.gossipMaxMembers < 1) throw new HostConfigError('--gossip-max-members (GOSSIP_MAX_MEMBERS) must be at least 1');
  try {
    new GossipAddressPolicy(config.gossipAllow);
  } catch (error) {
    if (error instanceof GossipAllowError) throw new HostConfigError(error.message);
    throw error;
  }
  return { help: flags.has('--help'), config };
}
