import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { executablePath, startExecutable, type RunningHost } from '../../support/executable-process';
import { createGossipIdentities } from '../../support/gossip-identities';
import { pollUntil } from '../../support/poll';

/**
 * Issue 17, attack 1, "credentials travel to peers", replayed against real processes: a holder of
 * one node key introduces a member at an address it controls and waits for the mesh's bearer tokens
 * to arrive there; then it signs a message naming another node as its sender. After: gossip carries
 * no token (the fake member is contacted and receives none), a message whose `from` is not its
 * signer is refused with 401, and workers still send their token to their configured dispatcher.
 */
const exec = promisify(execFile);
const TIMING = { GOSSIP_INTERVAL_MS: 200, SUSPICION_TIMEOUT_MS: 1000, HEARTBEAT_GRACE_MS: 3000, WORKER_HEARTBEAT_MS: 300, WORK_MS: 600 };
const env = Object.fromEntries(Object.entries(TIMING).map(([k, v]) => [k, String(v)]));
const TOKENS = {
  reader: 'reader-token-0f9e8d7c6b5a4f3e2d1c0b9a',
  cp: 'node-token-cp-1-9a8b7c6d5e4f3a2b1c0d',
  dispatcher: 'node-token-dispatcher-1-1a2b3c4d5e6f',
  worker1: 'worker-token-worker-1-5e6f7a8b9c0d1e2f',
  worker2: 'worker-token-worker-2-3c4d5e6f7a8b9c0d',
};
const folder = mkdtempSync(join(tmpdir(), 'omnirelay-credentials-'));
const tokensFile = join(folder, 'tokens.json');
writeFileSync(
  tokensFile,
  JSON.stringify({
    tokens: [
      { token: TOKENS.reader, role: 'reader' },
      { token: TOKENS.cp, role: 'node', subject: 'cp-1' },
      { token: TOKENS.dispatcher, role: 'node', subject: 'dispatcher-1' },
      { token: TOKENS.worker1, role: 'worker', subject: 'worker-1' },
      { token: TOKENS.worker2, role: 'worker', subject: 'worker-2' },
    ],
  }),
  { mode: 0o600 },
);
// `intruder` is a key the attacker holds (a compromised node); it has no process.
const keys = createGossipIdentities({ 'dispatcher-1': 'dispatcher', 'cp-1': 'control-plane', 'worker-1': 'worker', 'worker-2': 'worker', intruder: 'worker' });
const MESH = ['dispatcher-1', 'cp-1', 'worker-1', 'worker-2'];

interface Member {
  nodeId: string;
  state: string;
  firstHand: boolean;
}

const hosts = new Map<string, RunningHost>();
const url = (nodeId: string): string => {
  const host = hosts.get(nodeId);
  if (!host) throw new Error(`${nodeId} is not running`);
  return host.url;
};
const read = async <T>(base: string, path: string): Promise<T> => {
  const response = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${TOKENS.reader}` }, signal: AbortSignal.timeout(5000) });
  if (!response.ok) throw new Error(`${base}${path} answered ${response.status}`);
  return (await response.json()) as T;
};
const members = async (nodeId: string): Promise<Member[]> => (await read<{ members: Member[] }>(url(nodeId), '/control/peers')).members;
const gossip = async (base: string, body: string, headers: Record<string, string> = {}): Promise<number> =>
  (await fetch(`${base}/control/gossip`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body, signal: AbortSignal.timeout(5000) })).status;

const entry = (nodeId: string, memberUrl: string, role = 'worker') => ({
  nodeId,
  url: memberUrl,
  role,
  cluster: 'local',
  region: 'local',
  meshVersion: '1.4.0',
  http3: false,
  labels: {},
  incarnation: 1,
  heartbeat: 1,
  state: 'alive',
});

async function start(nodeId: string, args: string[]): Promise<void> {
  const ready = async (base: string): Promise<boolean> => (await fetch(`${base}/omnirelay/control/lease-health`, { headers: { authorization: `Bearer ${TOKENS.reader}` } })).status === 200;
  hosts.set(nodeId, await startExecutable({ args: ['--auth-tokens-file', tokensFile, '--node-id', nodeId, ...keys.args(nodeId), ...args], env, ready }));
}

/** What the attacker's fake member saw: requests, and the Authorization headers among them. */
const seen: IncomingHttpHeaders[] = [];
let trap: Server;
let trapUrl = '';

beforeAll(async () => {
  trap = createServer((request, response) => {
    seen.push(request.headers);
    request.resume();
    response.setHeader('content-type', 'application/json');
    response.end('{}');
  });
  await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve));
  trapUrl = `http://127.0.0.1:${(trap.address() as AddressInfo).port}`;
  await start('dispatcher-1', ['--role', 'dispatcher', '--auth-token', TOKENS.dispatcher]);
  await start('cp-1', ['--role', 'control-plane', '--seeds', url('dispatcher-1'), '--auth-token', TOKENS.cp]);
  for (const id of ['worker-1', 'worker-2']) {
    const token = id === 'worker-1' ? TOKENS.worker1 : TOKENS.worker2;
    await start(id, ['--role', 'worker', '--seeds', url('dispatcher-1'), '--dispatcher-url', url('dispatcher-1'), '--auth-token', token]);
  }
  await pollUntil(
    'a node-signed mesh of four, every member first-hand everywhere',
    async () => {
      for (const id of MESH) if ((await members(id)).filter((m) => m.state === 'alive' && m.firstHand).length !== MESH.length) return undefined;
      return true;
    },
    20_000,
  );
}, 90_000);

afterAll(async () => {
  await Promise.all([...hosts.values()].map((host) => host.stop().catch(() => undefined)));
  await new Promise<void>((resolve) => trap.close(() => resolve()));
  rmSync(folder, { recursive: true, force: true });
  rmSync(keys.folder, { recursive: true, force: true });
});

describe('attack replay: credentials travel to peers', () => {
  it('a member introduced at an address the attacker controls is contacted by gossip, and receives no token', async () => {
    for (const id of MESH) {
      // The key holder speaks for itself (its own entry, first-hand) and introduces an id nobody holds a key for.
      const body = keys.envelope('intruder', { members: [entry('intruder', trapUrl), entry('ghost', trapUrl)] });
      expect(await gossip(url(id), body)).toBe(200);
    }
    await pollUntil('every node to gossip with the fake member', () => Promise.resolve(seen.length >= 8 ? true : undefined), 15_000);
    // Keep watching a few more rounds: whatever arrives, no token.
    await new Promise((resolve) => setTimeout(resolve, 10 * TIMING.GOSSIP_INTERVAL_MS));
    const withToken = seen.filter((headers) => headers.authorization !== undefined);
    process.stdout.write(`fake member: ${seen.length} gossip requests, ${withToken.length} with an Authorization header\n`);
    expect(seen.length).toBeGreaterThanOrEqual(8);
    expect(withToken).toEqual([]);
    // An id the trust file does not list is never a member.
    for (const id of MESH) expect((await members(id)).map((m) => m.nodeId)).not.toContain('ghost');
  }, 30_000);

  it("a message whose 'from' is not its signer is refused with 401, as is a bearer token on unsigned gossip", async () => {
    const victim = url('dispatcher-1');
    // Signed with the intruder's key, claiming cp-1 in the envelope and the payload.
    expect(await gossip(victim, keys.envelope('intruder', { members: [] }, 'cp-1'))).toBe(401);
    // The envelope names the signer, the payload another node.
    expect(await gossip(victim, keys.envelope('intruder', { from: 'cp-1', members: [] }))).toBe(401);
    // The old attack: a worker's bearer token on an unsigned message from "cp-1".
    expect(await gossip(victim, JSON.stringify({ from: 'cp-1', members: [] }), { authorization: `Bearer ${TOKENS.worker1}` })).toBe(401);
    // Signed by the intruder as itself: accepted.
    expect(await gossip(victim, keys.envelope('intruder', { members: [] }))).toBe(200);
  });

  it('workers still send their token to the dispatcher they were configured with: both hold leases there', async () => {
    interface Health {
      peers: Array<{ peerId: string; activeLeases: unknown[] }>;
    }
    const leased = new Set<string>();
    await pollUntil(
      'worker-1 and worker-2 to hold leases on dispatcher-1',
      async () => {
        for (const peer of (await read<Health>(url('dispatcher-1'), '/omnirelay/control/lease-health')).peers) {
          if (peer.activeLeases.length > 0) leased.add(peer.peerId);
        }
        return leased.has('worker-1') && leased.has('worker-2') ? true : undefined;
      },
      20_000,
    );
  }, 30_000);

  it('refuses to start with a tokens file and unsigned gossip (exit 64), since gossip carries no token', async () => {
    const failed = (await exec(executablePath(), ['--auth-tokens-file', tokensFile, '--port', '0'], { env: { PATH: process.env.PATH ?? '' } }).catch((error: unknown) => error)) as {
      code?: number;
      stderr?: string;
    };
    expect(failed.code).toBe(64);
    expect(failed.stderr).toMatch(/gossip must be signed/);
  }, 20_000);
});
