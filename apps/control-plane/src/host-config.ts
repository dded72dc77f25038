import { hostname } from 'node:os';
import { decodeGossipKey, GOSSIP_KEYRING_MAX, GossipAddressPolicy, GossipAllowError, GossipKeyError } from '@omnirelay/mesh-gossip';

export const ROLES = ['all-in-one', 'control-plane', 'dispatcher', 'worker'] as const;
export type HostRole = (typeof ROLES)[number];
export const STORES = ['memory', 'etcd'] as const;
export type HostStore = (typeof STORES)[number];

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
  readonly authTokensFile: string | undefined;
  readonly authToken: string | undefined;
  readonly tlsCert: string | undefined;
  readonly tlsKey: string | undefined;
  readonly tlsCa: string | undefined;
  readonly tlsClientAuth: boolean;
  readonly maxQueuedItems: number;
  readonly completedRetention: number;
  readonly maxAttempts: number;
  readonly requestTimeoutMs: number;
  readonly maxConnections: number;
  readonly maxConnectionsPerAddress: number;
  readonly reservedConnections: number;
  readonly unauthenticatedIdleTimeoutMs: number;
  readonly maxPeers: number;
  readonly advertiseUrl: string | undefined;
  /** Base64 cluster gossip key; never logged. */
  readonly gossipKey: string | undefined;
  /** Keyring for rotation, signing key first; never logged. */
  readonly gossipKeys: readonly string[];
  /** PEM file of this node's Ed25519 gossip key (owner-only permissions); never logged. */
  readonly gossipIdentity: string | undefined;
  /** JSON file of every node id's gossip public key (and optionally its role). */
  readonly gossipTrust: string | undefined;
  readonly gossipAllow: readonly string[];
  readonly gossipMaxMembers: number;
  readonly store: HostStore;
  readonly etcdEndpoints: readonly string[];
  readonly etcdPrefix: string;
  readonly leaderTtlMs: number;
  /** store etcd: the scopes of `scopes` this node campaigns for; undefined: by role (see campaignScopes). */
  readonly campaignScopes: readonly string[] | undefined;
  readonly etcdCa: string | undefined;
  readonly etcdCert: string | undefined;
  readonly etcdKey: string | undefined;
  readonly etcdUsername: string | undefined;
  readonly etcdPassword: string | undefined;
  /** How the host logs: Nest's text lines, or one JSON object per line. */
  readonly logFormat: 'text' | 'json';
  /** Base URLs of hosts whose lease health this node serves too (the fleet view). */
  readonly federate: readonly string[];
  /** control-plane role without --federate: read every dispatcher gossip knows. */
  readonly federateDiscovery: boolean;
  readonly federateTimeoutMs: number;
  /** Peers one federated host may contribute to one read. */
  readonly federateMaxPeers: number;
  /** Body bytes all federated hosts together may send for one read. */
  readonly federateMaxBytes: number;
}

export class HostConfigError extends Error {
  override readonly name = 'HostConfigError';
}

type Kind = 'text' | 'secret' | 'key' | 'key-list' | 'int' | 'list' | 'url' | 'url-list' | 'role' | 'switch' | 'store' | 'prefix';

interface Setting {
  readonly flag: string;
  readonly env: string;
  readonly kind: Kind;
  readonly help: string;
  readonly fallback?: string;
  /** Range of an int setting (inclusive; default 0 to MAX_TIMER_MS). */
  readonly min?: number;
  readonly max?: number;
}

/** scheme://host[:port], nothing after it: credentials and paths have no place in a peer's address. */
const BASE_URL = /^https?:\/\/[^\s/@]+\/?$/;

/** Largest delay a Node timer honours (longer ones fire at once): the ceiling of every time setting. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Every setting, its flag, its environment variable and its default: the single source of --help. */
const SETTINGS = {
  role: { flag: '--role', env: 'ROLE', kind: 'role', fallback: 'all-in-one', help: `one of ${ROLES.join(', ')}` },
  nodeId: { flag: '--node-id', env: 'NODE_ID', kind: 'text', help: 'this node\'s id in gossip and diagnostics (default: <role>-<hostname>)' },
  host: { flag: '--host', env: 'HOST', kind: 'text', fallback: '127.0.0.1', help: 'address to listen on' },
  port: { flag: '--port', env: 'PORT', kind: 'int', fallback: '8080', max: 65535, help: 'port to listen on; 0 picks a free one (the URL is printed)' },
  seeds: { flag: '--seeds', env: 'SEEDS', kind: 'list', fallback: '', help: 'comma-separated base URLs of nodes to join through' },
  dispatcherUrl: { flag: '--dispatcher-url', env: 'DISPATCHER_URL', kind: 'url', help: 'worker role: base URL of the dispatcher' },
  region: { flag: '--region', env: 'REGION', kind: 'text', fallback: 'local', help: 'gossiped region' },
  cluster: { flag: '--cluster', env: 'CLUSTER', kind: 'text', fallback: 'local', help: 'gossiped cluster' },
  scopes: { flag: '--scopes', env: 'SCOPES', kind: 'list', fallback: 'global,shard-00', help: 'leadership scopes' },
  heartbeatGracePeriodMs: { flag: '--grace-ms', env: 'HEARTBEAT_GRACE_MS', kind: 'int', fallback: '5000', min: 1, help: 'heartbeat grace period of the tracker' },
  gossipIntervalMs: { flag: '--gossip-interval-ms', env: 'GOSSIP_INTERVAL_MS', kind: 'int', fallback: '1000', min: 1, help: 'one gossip round every ...' },
  suspicionTimeoutMs: { flag: '--suspicion-timeout-ms', env: 'SUSPICION_TIMEOUT_MS', kind: 'int', fallback: '3000', min: 1, help: 'silent this long: suspect; twice as long: dead' },
  leaseDurationMs: { flag: '--lease-duration-ms', env: 'LEASE_DURATION_MS', kind: 'int', fallback: '5000', min: 1, help: 'dispatcher: a lease not heart-beaten this long expires' },
  produceIntervalMs: { flag: '--produce-interval-ms', env: 'PRODUCE_INTERVAL_MS', kind: 'int', fallback: '500', help: 'dispatcher, all-in-one: enqueue one work item every ... (0: none)' },
  workMs: { flag: '--work-ms', env: 'WORK_MS', kind: 'int', fallback: '1500', help: 'worker: time spent on one item' },
  workerHeartbeatMs: { flag: '--worker-heartbeat-ms', env: 'WORKER_HEARTBEAT_MS', kind: 'int', fallback: '1000', min: 1, help: 'worker: heartbeat interval' },
  simulation: { flag: '--simulation', env: 'SIMULATION', kind: 'switch', fallback: 'on', help: 'all-in-one: in-process simulated workers (on/off)' },
  syntheticPeers: { flag: '--synthetic-peers', env: 'SYNTHETIC_PEERS', kind: 'int', fallback: '0', max: 10_000_000, help: 'any role: this many synthetic fleet peers recorded in-process (load testing)' },
  syntheticRate: { flag: '--synthetic-rate', env: 'SYNTHETIC_RATE', kind: 'int', fallback: '10000', min: 1, max: 10_000_000, help: 'events per second of the synthetic fleet' },
  authTokensFile: { flag: '--auth-tokens-file', env: 'OMNIRELAY_AUTH_TOKENS_FILE', kind: 'text', help: 'JSON file of bearer tokens and roles; without it the host serves loopback only' },
  authToken: { flag: '--auth-token', env: 'OMNIRELAY_AUTH_TOKEN', kind: 'secret', help: 'this process\'s own bearer token, sent to --dispatcher-url and to the fleet view\'s hosts, never with gossip (never printed)' },
  tlsCert: { flag: '--tls-cert', env: 'OMNIRELAY_TLS_CERT', kind: 'text', help: 'PEM certificate: serve HTTPS (and the client certificate for mutual TLS)' },
  tlsKey: { flag: '--tls-key', env: 'OMNIRELAY_TLS_KEY', kind: 'text', help: 'PEM private key of --tls-cert' },
  tlsCa: { flag: '--tls-ca', env: 'OMNIRELAY_TLS_CA', kind: 'text', help: 'PEM CA: gossip and worker clients verify servers (and the server clients) with it' },
  tlsClientAuth: { flag: '--tls-client-auth', env: 'OMNIRELAY_TLS_CLIENT_AUTH', kind: 'switch', fallback: 'off', help: 'require client certificates signed by --tls-ca (mutual TLS; on/off)' },
  maxQueuedItems: { flag: '--max-queued-items', env: 'MAX_QUEUED_ITEMS', kind: 'int', fallback: '10000', min: 1, max: 10_000_000, help: 'dispatcher: unfinished items held before POST /control/work answers 429' },
  completedRetention: { flag: '--completed-retention', env: 'COMPLETED_RETENTION', kind: 'int', fallback: '1000', max: 10_000_000, help: 'dispatcher: finished items kept for inspection (counts cover all)' },
  maxAttempts: { flag: '--max-attempts', env: 'MAX_ATTEMPTS', kind: 'int', fallback: '5', min: 1, max: 1000, help: 'dispatcher: attempts per item before it is dead-lettered' },
  requestTimeoutMs: { flag: '--request-timeout-ms', env: 'REQUEST_TIMEOUT_MS', kind: 'int', fallback: '10000', min: 100, max: 120_000, help: 'a request (headers and body) not received within this is cut' },
  maxPeers: { flag: '--max-peers', env: 'MAX_PEERS', kind: 'int', fallback: '100000', min: 1, max: 10_000_000, help: 'peers the lease-health tracker follows at once; events of new peers past it are counted (peer-limit) and dropped' },
  maxConnections: { flag: '--max-connections', env: 'MAX_CONNECTIONS', kind: 'int', fallback: '1024', min: 1, max: 1_000_000, help: 'open connections at once; a newcomer past it replaces the least recently active idle connection without a token, or is closed' },
  maxConnectionsPerAddress: { flag: '--max-connections-per-address', env: 'MAX_CONNECTIONS_PER_ADDRESS', kind: 'int', fallback: '256', min: 1, max: 1_000_000, help: 'open connections at once from one remote address (raise it behind a proxy)' },
  reservedConnections: { flag: '--reserved-connections', env: 'RESERVED_CONNECTIONS', kind: 'int', fallback: '64', min: 1, max: 1_000_000, help: 'of --max-connections (at most half of it), slots idle connections without a token never keep: room for /health probes and callers with a token' },
  unauthenticatedIdleTimeoutMs: { flag: '--unauthenticated-idle-timeout-ms', env: 'UNAUTHENTICATED_IDLE_TIMEOUT_MS', kind: 'int', fallback: '5000', min: 100, max: 600_000, help: 'a connection none of whose requests carried a valid token is closed after this long without a request' },
  advertiseUrl: { flag: '--advertise-url', env: 'ADVERTISE_URL', kind: 'url', help: 'base URL other nodes reach this one at (default: the listen address)' },
  gossipKey: { flag: '--gossip-key', env: 'OMNIRELAY_GOSSIP_KEY', kind: 'key', help: 'cluster key signing gossip (HMAC-SHA256), base64 of 32 bytes: openssl rand -base64 32; production needs one' },
  gossipKeys: { flag: '--gossip-keys', env: 'OMNIRELAY_GOSSIP_KEYS', kind: 'key-list', fallback: '', help: 'key rotation: comma-separated keys, the first signs, all verify (instead of --gossip-key)' },
  gossipIdentity: { flag: '--gossip-identity', env: 'OMNIRELAY_GOSSIP_IDENTITY', kind: 'text', help: 'PEM file of this node\'s own Ed25519 gossip key (openssl genpkey -algorithm ed25519); with --gossip-trust' },
  gossipTrust: { flag: '--gossip-trust', env: 'OMNIRELAY_GOSSIP_TRUST', kind: 'text', help: 'JSON file of every node id\'s gossip public key (and role): {"nodes":{"<id>":{"publicKey":"<PEM>","role":"<role>"}}}' },
  gossipAllow: { flag: '--gossip-allow', env: 'GOSSIP_ALLOW', kind: 'list', fallback: '', help: 'CIDRs or host names, each optionally :port, :low-high or :*, members may advertise and be contacted at (default: loopback and the seeds\' networks; no port: the gossip ports)' },
  gossipMaxMembers: { flag: '--gossip-max-members', env: 'GOSSIP_MAX_MEMBERS', kind: 'int', fallback: '4096', min: 1, max: 1_000_000, help: 'gossip members known at once; more are refused and counted' },
  store: { flag: '--store', env: 'OMNIRELAY_STORE', kind: 'store', fallback: 'memory', help: `leadership and dispatcher store: ${STORES.join(' or ')}` },
  etcdEndpoints: { flag: '--etcd-endpoints', env: 'OMNIRELAY_ETCD_ENDPOINTS', kind: 'list', fallback: 'http://127.0.0.1:2379', help: 'store etcd: comma-separated etcd client URLs' },
  etcdPrefix: { flag: '--etcd-prefix', env: 'OMNIRELAY_ETCD_PREFIX', kind: 'prefix', fallback: '/omnirelay/', help: 'store etcd: key prefix of this mesh' },
  campaignScopes: {
    flag: '--campaign-scopes',
    env: 'OMNIRELAY_CAMPAIGN_SCOPES',
    kind: 'list',
    help: 'store etcd: scopes this node campaigns for, or none (default: all --scopes on control-plane and all-in-one, none on dispatchers)',
  },
  leaderTtlMs: { flag: '--leader-ttl-ms', env: 'OMNIRELAY_LEADER_TTL_MS', kind: 'int', fallback: '5000', min: 1000, max: 3_600_000, help: 'store etcd: a leader that cannot renew steps down within this' },
  etcdCa: { flag: '--etcd-ca', env: 'OMNIRELAY_ETCD_CA', kind: 'text', help: 'store etcd: PEM CA to verify etcd with (https endpoints)' },
  etcdCert: { flag: '--etcd-cert', env: 'OMNIRELAY_ETCD_CERT', kind: 'text', help: 'store etcd: PEM client certificate for etcd' },
  etcdKey: { flag: '--etcd-key', env: 'OMNIRELAY_ETCD_KEY', kind: 'text', help: 'store etcd: PEM private key of --etcd-cert' },
  etcdUsername: { flag: '--etcd-username', env: 'OMNIRELAY_ETCD_USERNAME', kind: 'text', help: 'store etcd: user of etcd password auth' },
  etcdPassword: { flag: '--etcd-password', env: 'OMNIRELAY_ETCD_PASSWORD', kind: 'secret', help: 'store etcd: password of --etcd-username (never printed)' },
  federate: { flag: '--federate', env: 'OMNIRELAY_FEDERATE', kind: 'url-list', fallback: '', help: 'fleet view: comma-separated base URLs of hosts whose lease health this node serves too' },
  federateDiscovery: { flag: '--federate-discovery', env: 'OMNIRELAY_FEDERATE_DISCOVERY', kind: 'switch', fallback: 'on', help: 'control-plane role without --federate: read the dispatchers gossip knows (on/off)' },
  federateTimeoutMs: { flag: '--federate-timeout-ms', env: 'OMNIRELAY_FEDERATE_TIMEOUT_MS', kind: 'int', fallback: '1000', min: 1, max: 60_000, help: 'fleet view: a host not answering within this is left out (the answer is partial)' },
  federateMaxPeers: { flag: '--federate-max-peers', env: 'OMNIRELAY_FEDERATE_MAX_PEERS', kind: 'int', fallback: '50000', min: 1, max: 10_000_000, help: 'fleet view: peers one host may contribute to a read; a host answering more is left out (all hosts together: at most --max-peers)' },
  federateMaxBytes: { flag: '--federate-max-bytes', env: 'OMNIRELAY_FEDERATE_MAX_BYTES', kind: 'int', fallback: '67108864', min: 1024, max: 1_073_741_824, help: 'fleet view: body bytes all hosts together may send for one read; hosts past it are left out' },
  logFormat: { flag: '--log-format', env: 'LOG_FORMAT', kind: 'text', fallback: 'text', help: 'text (Nest\'s logger) or json (one JSON object per line, audit lines included)' },
} as const satisfies Record<keyof HostConfig, Setting>;

export const HOST_USAGE = [
  'Usage: omnirelay-control-plane [options]',
  '       omnirelay-control-plane peers <list|show|watch> [options]   (the operator CLI; see peers --help)',
  '',
  'Options (flag, environment variable, default):',
  ...Object.values(SETTINGS).map(
    (s: Setting) => `  ${`${s.flag} <value>`.padEnd(30)} ${s.env.padEnd(26)} ${s.help}${s.fallback ? ` [${s.fallback}]` : ''}`,
  ),
  '  --help                         print this help',
].join('\n');

function readFlags(argv: readonly string[]): Map<string, string> {
  const flags = new Map<string, string>();
  const known = new Set(Object.values(SETTINGS).map((s: Setting) => s.flag));
  const switches = new Set(Object.values(SETTINGS).filter((s: Setting) => s.kind === 'switch').map((s: Setting) => s.flag));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') {
      flags.set('--help', 'true');
      continue;
    }
    const [flag = '', inline] = arg.split(/=(.*)/s, 2);
    if (!known.has(flag)) throw new HostConfigError(`unknown option ${arg}`);
    // A switch given alone (`--tls-client-auth`) is on; one followed by on/off takes it.
    if (inline === undefined && switches.has(flag) && argv[i + 1] !== 'on' && argv[i + 1] !== 'off') {
      flags.set(flag, 'on');
      continue;
    }
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
      const min = setting.min ?? 0;
      const max = setting.max ?? MAX_TIMER_MS;
      const value = /^[0-9]{1,16}$/.test(raw) ? Number(raw) : Number.NaN;
      if (!Number.isSafeInteger(value) || value < min || value > max) throw fail(`an integer from ${min} to ${max}`);
      return value;
    }
    case 'list':
      return raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
    case 'url':
      if (!BASE_URL.test(raw)) throw fail('a base URL like http://127.0.0.1:8081');
      return raw.replace(/\/$/, '');
    case 'url-list': {
      const urls = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
      const bad = urls.findIndex((url) => !BASE_URL.test(url));
      // Not echoed: a URL with user:password in it would put a credential on the console.
      if (bad !== -1) {
        throw new HostConfigError(`${setting.flag} (${setting.env}) must be comma-separated base URLs like http://127.0.0.1:8081; entry ${bad + 1} is not`);
      }
      return urls.map((url) => url.replace(/\/$/, ''));
    }
    case 'role':
      if (!(ROLES as readonly string[]).includes(raw)) throw fail(`one of ${ROLES.join(', ')}`);
      return raw;
    case 'store':
      if (!(STORES as readonly string[]).includes(raw)) throw fail(`one of ${STORES.join(', ')}`);
      return raw;
    case 'prefix':
      if (!/^\/[A-Za-z0-9._/-]{0,200}\/$/.test(raw)) throw fail('a key prefix like /omnirelay/ (starting and ending with /)');
      return raw;
    case 'switch':
      if (raw !== 'on' && raw !== 'off') throw fail('on or off');
      return raw === 'on';
    case 'text':
      if (raw.trim() === '' || raw.length > 256) throw fail('a non-blank value');
      return raw;
    case 'secret':
      // Never echo the value: it is a credential.
      if (raw.trim() === '' || raw.length > 4096 || /\s/.test(raw)) {
        throw new HostConfigError(`${setting.flag} (${setting.env}) must be a token of 1 to 4096 characters without spaces`);
      }
      return raw;
    // Keys are checked here so a bad one stops the start-up; the messages never repeat the value.
    case 'key':
      return checkedKeys(setting, [raw])[0] ?? '';
    case 'key-list':
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
  if ((config.gossipIdentity === undefined) !== (config.gossipTrust === undefined)) {
    throw new HostConfigError('--gossip-identity (OMNIRELAY_GOSSIP_IDENTITY) and --gossip-trust (OMNIRELAY_GOSSIP_TRUST) go together');
  }
  if (config.syntheticPeers > config.maxPeers) {
    throw new HostConfigError(`--synthetic-peers (${config.syntheticPeers}) exceeds --max-peers (${config.maxPeers}): raise --max-peers (MAX_PEERS)`);
  }
  const logFormat: unknown = values['logFormat'];
  if (logFormat !== 'text' && logFormat !== 'json') {
    throw new HostConfigError(`--log-format (LOG_FORMAT) must be text or json, got "${String(logFormat)}"`);
  }
  if (config.gossipMaxMembers < 1) throw new HostConfigError('--gossip-max-members (GOSSIP_MAX_MEMBERS) must be at least 1');
  try {
    new GossipAddressPolicy(config.gossipAllow);
  } catch (error) {
    if (error instanceof GossipAllowError) throw new HostConfigError(error.message);
    throw error;
  }
  if (config.store === 'etcd') {
    if (config.etcdEndpoints.length === 0 || !config.etcdEndpoints.every((e) => /^https?:\/\/[^\s/]+\/?$/.test(e))) {
      throw new HostConfigError('--etcd-endpoints (OMNIRELAY_ETCD_ENDPOINTS) must be base URLs like http://127.0.0.1:2379');
    }
    const unknown = (config.campaignScopes ?? []).filter((scope) => scope !== 'none' && !config.scopes.includes(scope));
    if (unknown.length > 0) throw new HostConfigError(`--campaign-scopes (OMNIRELAY_CAMPAIGN_SCOPES) names scopes not in --scopes: ${unknown.join(', ')}`);
    if ((config.etcdCert === undefined) !== (config.etcdKey === undefined)) throw new HostConfigError('--etcd-cert and --etcd-key go together');
    if ((config.etcdUsername === undefined) !== (config.etcdPassword === undefined)) {
      throw new HostConfigError('--etcd-username and --etcd-password go together');
    }
  }
  return { help: flags.has('--help'), config };
}
