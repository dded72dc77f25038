import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startExecutable, type RunningHost } from '../support/executable-process';
import { pollUntil } from '../support/poll';

/**
 * The fleet view on real processes: a control-plane node discovers the dispatcher through gossip and
 * serves the leases the dispatcher holds for its worker, reading with its own node token; when the
 * dispatcher is killed, it still answers, marked partial, with everything it knows itself.
 */

const TIMING = {
  GOSSIP_INTERVAL_MS: 200,
  SUSPICION_TIMEOUT_MS: 1000,
  HEARTBEAT_GRACE_MS: 3000,
  LEASE_DURATION_MS: 3000,
  WORKER_HEARTBEAT_MS: 300,
  WORK_MS: 2000,
  PRODUCE_INTERVAL_MS: 100,
};
const env = {
  ...Object.fromEntries(Object.entries(TIMING).map(([k, v]) => [k, String(v)])),
  // With a tokens file gossip must be signed: it carries no bearer token (docs/security.md).
  OMNIRELAY_GOSSIP_KEY: randomBytes(32).toString('base64'),
};
/** Generous bounds for a loaded 2-core machine, derived from the timings above. */
const DISCOVERY_BOUND_MS = 20 * TIMING.GOSSIP_INTERVAL_MS + 4 * TIMING.WORK_MS + 10_000;
const FEDERATE_TIMEOUT_MS = 2000;

const PATH = '/omnirelay/control/lease-health';
const PARTIAL = 'x-peer-health-partial';
const FEDERATED = 'X-Peer-Health-Federated';

const TOKENS = {
  reader: 'fleet-reader-token-7d3e9a1b2c4f-0123456789abcdef',
  cp: 'fleet-node-token-cp-1-5a6b7c8d9e0f',
  dispatcher: 'fleet-node-token-dispatcher-1-1a2b3c',
  worker: 'fleet-worker-token-worker-1-4d5e6f7a',
};
const folder = mkdtempSync(join(tmpdir(), 'omnirelay-fleet-'));
const tokensFile = join(folder, 'tokens.json');
writeFileSync(
  tokensFile,
  JSON.stringify({
    tokens: [
      { token: TOKENS.reader, role: 'reader' },
      { token: TOKENS.cp, role: 'node', subject: 'cp-1' },
      { token: TOKENS.dispatcher, role: 'node', subject: 'dispatcher-1' },
      { token: TOKENS.worker, role: 'worker', subject: 'worker-1' },
    ],
  }),
  // Only the owner may read a tokens file: the host warns about anything else.
  { mode: 0o600 },
);

interface Peer {
  peerId: string;
  isHealthy: boolean;
  activeLeases: Array<{ sequenceId: number; attempt: number; leaseId: string }>;
  metadata: Record<string, string>;
}
interface LeaseHealth {
  peers: Peer[];
}
interface Read {
  status: number;
  partial: string | null;
  body: LeaseHealth;
}

async function readLeaseHealth(base: string, headers: Record<string, string> = {}): Promise<Read> {
  const response = await fetch(`${base}${PATH}`, {
    headers: { authorization: `Bearer ${TOKENS.reader}`, ...headers },
    // The endpoint waits for a remote host at most the federate timeout (plus the host's margin).
    signal: AbortSignal.timeout(FEDERATE_TIMEOUT_MS + 8000),
  });
  return { status: response.status, partial: response.headers.get(PARTIAL), body: (await response.json()) as LeaseHealth };
}

const readyWithReader = async (url: string): Promise<boolean> => (await readLeaseHealth(url)).status === 200;

const hosts: RunningHost[] = [];
async function start(args: string[]): Promise<RunningHost> {
  const host = await startExecutable({ args: ['--auth-tokens-file', tokensFile, ...args], env, ready: readyWithReader });
  hosts.push(host);
  return host;
}

let cp: RunningHost;
let dispatcher: RunningHost;

beforeAll(async () => {
  cp = await start(['--role', 'control-plane', '--node-id', 'cp-1', '--auth-token', TOKENS.cp, '--federate-timeout-ms', String(FEDERATE_TIMEOUT_MS)]);
  dispatcher = await start(['--role', 'dispatcher', '--node-id', 'dispatcher-1', '--seeds', cp.url, '--auth-token', TOKENS.dispatcher]);
  await start([
    '--role', 'worker', '--node-id', 'worker-1', '--seeds', cp.url, '--dispatcher-url', dispatcher.url, '--auth-token', TOKENS.worker,
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.all(hosts.map((host) => host.stop().catch(() => undefined)));
  rmSync(folder, { recursive: true, force: true });
});

describe('the fleet view of a control-plane node', () => {
  it('shows the leases the dispatcher holds for the worker; the dispatcher killed: still 200, partial naming it, nothing else lost', async () => {
    // The control-plane node records no lease itself: a lease on worker-1 there came from the dispatcher.
    const { value: withLease } = await pollUntil(
      'cp-1 to show a lease of worker-1, read from the dispatcher it found through gossip',
      async () => {
        const read = await readLeaseHealth(cp.url);
        const worker = read.body.peers.find((p) => p.peerId === 'worker-1');
        return read.status === 200 && read.partial === null && (worker?.activeLeases.length ?? 0) > 0 ? read : undefined;
      },
      DISCOVERY_BOUND_MS,
    );
    const local = await readLeaseHealth(cp.url, { [FEDERATED]: '1' });
    expect(local.body.peers.find((p) => p.peerId === 'worker-1')?.activeLeases ?? []).toEqual([]);
    const worker = withLease.body.peers.find((p) => p.peerId === 'worker-1');
    expect(worker?.metadata['mesh.role']).toBe('worker');

    // What cp-1 knows by itself (gossip, leadership), just before the kill.
    const { value: own } = await pollUntil(
      'cp-1 to know cp-1, dispatcher-1 and worker-1 by gossip and leadership',
      async () => {
        const read = await readLeaseHealth(cp.url, { [FEDERATED]: '1' });
        const ids = read.body.peers.map((p) => p.peerId);
        const labelled = read.body.peers.filter((p) => p.metadata['mesh.leader.scope.global'] !== undefined).length;
        return ['cp-1', 'dispatcher-1', 'worker-1'].every((id) => ids.includes(id)) && labelled >= 3 ? read : undefined;
      },
      DISCOVERY_BOUND_MS,
    );

    const pid = dispatcher.pid;
    if (pid === undefined) throw new Error('the dispatcher has no pid');
    process.kill(pid, 'SIGKILL');
    await dispatcher.exited;

    const { value: after } = await pollUntil(
      'cp-1 to answer partial without the killed dispatcher',
      async () => {
        const read = await readLeaseHealth(cp.url);
        return read.partial !== null ? read : undefined;
      },
      FEDERATE_TIMEOUT_MS + 10_000,
    );
    expect(after.status).toBe(200);
    expect(after.partial).toBe(`RemoteLeaseHealthProvider(${dispatcher.url})`);
    // Every peer cp-1 knew itself is still served, with its gossip metadata.
    for (const peer of own.body.peers) {
      const now = after.body.peers.find((p) => p.peerId === peer.peerId);
      expect({ peerId: peer.peerId, role: now?.metadata['mesh.role'] }).toEqual({ peerId: peer.peerId, role: peer.metadata['mesh.role'] });
      expect(now?.metadata['mesh.leader.scope.global']).toBeDefined();
    }
    // Read again: still served, still partial (gossip keeps the dead dispatcher listed until it forgets it).
    const later = await readLeaseHealth(cp.url);
    expect(later.status).toBe(200);
    expect(later.partial).toBe(`RemoteLeaseHealthProvider(${dispatcher.url})`);
  }, 90_000);
});
