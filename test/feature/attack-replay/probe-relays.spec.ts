import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rmSync } from 'node:fs';
import { startExecutable, type RunningHost } from '../../support/executable-process';
import { createGossipIdentities } from '../../support/gossip-identities';
import { getJson, pollUntil } from '../../support/poll';

/**
 * Issue 17, attack 7, "probe relays", replayed against real processes of a node-signed mesh. The
 * attacker holds the keys of `intruder`, `liar` and `mimic` (compromised nodes without a process).
 * After: probe requests are relayed at most 8 per requester and 4 per member per second, each
 * answered with the relay's own entry only; a member answering 500, or answering with a valid
 * signature of another node, is `unreached`; a member introduced at a port that is not a gossip
 * port (a stand-in for etcd's client port) is never contacted.
 */
const TIMING = { GOSSIP_INTERVAL_MS: 200, SUSPICION_TIMEOUT_MS: 2000, HEARTBEAT_GRACE_MS: 3000 };
const env = Object.fromEntries(Object.entries(TIMING).map(([k, v]) => [k, String(v)]));
const keys = createGossipIdentities({
  'cp-1': 'control-plane',
  'cp-2': 'control-plane',
  'cp-9': 'control-plane',
  intruder: 'worker',
  liar: 'worker',
  mimic: 'worker',
});
const MESH = ['cp-1', 'cp-2'];
const PER_REQUESTER = 8;
const PER_TARGET = 4;

interface Member {
  nodeId: string;
  state: string;
  firstHand: boolean;
}
interface Answer {
  status: number;
  probeResult?: string;
  members: number;
}

const hosts = new Map<string, RunningHost>();
const url = (nodeId: string): string => {
  const host = hosts.get(nodeId);
  if (!host) throw new Error(`${nodeId} is not running`);
  return host.url;
};
const membersOf = async (nodeId: string): Promise<Member[]> => (await getJson<{ members: Member[] }>(`${url(nodeId)}/control/peers`)).members;
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

async function gossip(base: string, body: string): Promise<Answer> {
  const response = await fetch(`${base}/control/gossip`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(10_000) });
  const json = (await response.json()) as { payload?: string };
  if (response.status !== 200 || json.payload === undefined) return { status: response.status, members: 0 };
  const payload = JSON.parse(json.payload) as { probeResult?: string; members: unknown[] };
  return { status: response.status, members: payload.members.length, ...(payload.probeResult === undefined ? {} : { probeResult: payload.probeResult }) };
}

/** A probe request of `signer` asking the receiver to contact `nodeId`. */
const probe = (signer: string, nodeId: string): string => keys.envelope(signer, { probe: nodeId, members: [] });

async function listen(handler: (request: IncomingMessage, response: ServerResponse, body: string) => void): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => handler(request, response, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const servers: Server[] = [];

beforeAll(async () => {
  hosts.set('cp-1', await startExecutable({ args: ['--role', 'control-plane', '--node-id', 'cp-1', ...keys.args('cp-1')], env }));
  hosts.set('cp-2', await startExecutable({ args: ['--role', 'control-plane', '--node-id', 'cp-2', '--seeds', url('cp-1'), ...keys.args('cp-2')], env }));
  await pollUntil(
    'a node-signed mesh of two, each first-hand on the other',
    async () => {
      for (const id of MESH) if ((await membersOf(id)).filter((m) => m.state === 'alive' && m.firstHand).length !== 2) return undefined;
      return true;
    },
    20_000,
  );
}, 60_000);

afterAll(async () => {
  await Promise.all([...hosts.values()].map((host) => host.stop().catch(() => undefined)));
  await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  rmSync(keys.folder, { recursive: true, force: true });
});

describe('attack replay: probe relays', () => {
  it('only a valid signed answer of the member itself counts as reached: a 500, or another node\'s signed answer, is unreached', async () => {
    const failing = await listen((_request, response) => {
      response.statusCode = 500;
      response.end('{"statusCode":500}');
    });
    // Answers with a valid signature, of the wrong node: the attacker's intruder key, echoing the request's nonce.
    const impostor = await listen((_request, response, body) => {
      let nonce = 'A'.repeat(24);
      try {
        nonce = (JSON.parse((JSON.parse(body) as { payload: string }).payload) as { nonce: string }).nonce;
      } catch {
        // Not a gossip request: answer anyway.
      }
      response.setHeader('content-type', 'application/json');
      response.end(keys.envelope('intruder', { replyTo: nonce, members: [] }));
    });
    servers.push(failing.server, impostor.server);
    // Each fake member speaks for itself at its server (first-hand: its port becomes a gossip port).
    expect((await gossip(url('cp-1'), keys.envelope('liar', { members: [entry('liar', failing.url)] }))).status).toBe(200);
    expect((await gossip(url('cp-1'), keys.envelope('mimic', { members: [entry('mimic', impostor.url)] }))).status).toBe(200);

    const liar = await gossip(url('cp-1'), probe('intruder', 'liar'));
    const mimic = await gossip(url('cp-1'), probe('intruder', 'mimic'));
    const real = await gossip(url('cp-1'), probe('intruder', 'cp-2'));
    process.stdout.write(`relay verdicts: 500 -> ${liar.probeResult ?? '-'}, other node's signature -> ${mimic.probeResult ?? '-'}, cp-2 -> ${real.probeResult ?? '-'}\n`);
    expect([liar.probeResult, mimic.probeResult, real.probeResult]).toEqual(['unreached', 'unreached', 'reached']);
  }, 30_000);

  it('relays at most 8 probes per requester and 4 per member per second; each answer carries the relay\'s own entry only', async () => {
    // Past the previous test's window.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: 60 }, () => gossip(url('cp-1'), probe('intruder', 'cp-2'))));
    const windows = Math.ceil((Date.now() - started) / 1000) + 1;
    const relayed = answers.filter((a) => a.probeResult === 'reached' || a.probeResult === 'unreached').length;
    const declined = answers.filter((a) => a.probeResult === 'declined').length;
    process.stdout.write(`one requester, 60 probe requests in ${Date.now() - started} ms: ${relayed} relayed, ${declined} declined; members per answer: ${[...new Set(answers.map((a) => a.members))].join(',')}\n`);
    expect(relayed + declined).toBe(60);
    expect(relayed).toBeGreaterThan(0);
    expect(relayed).toBeLessThanOrEqual(PER_REQUESTER * windows);
    // No digest page for a probe: the relay's own entry only.
    expect(new Set(answers.map((a) => a.members))).toEqual(new Set([1]));

    // Three requesters, one member: the per-member rate binds.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const begun = Date.now();
    const many = await Promise.all(['intruder', 'liar', 'mimic'].flatMap((signer) => Array.from({ length: 6 }, () => gossip(url('cp-1'), probe(signer, 'cp-2')))));
    const spanned = Math.ceil((Date.now() - begun) / 1000) + 1;
    const relayedToTarget = many.filter((a) => a.probeResult === 'reached' || a.probeResult === 'unreached').length;
    process.stdout.write(`three requesters, 18 probe requests of cp-2 in ${Date.now() - begun} ms: ${relayedToTarget} relayed\n`);
    expect(relayedToTarget).toBeGreaterThan(0);
    expect(relayedToTarget).toBeLessThanOrEqual(PER_TARGET * spanned);
  }, 30_000);

  it('a member introduced at a port that is not a gossip port (etcd\'s, say) is never contacted', async () => {
    let contacted = 0;
    const etcd = await listen((_request, response) => {
      contacted++;
      response.end('{}');
    });
    servers.push(etcd.server);
    for (const target of MESH) {
      // Introduced by a third party: cp-9 (a listed node id, never seen) and ghost (not listed), at the "etcd" port.
      const body = keys.envelope('intruder', { members: [entry('cp-9', etcd.url, 'control-plane'), entry('ghost', etcd.url)] });
      expect((await gossip(url(target), body)).status).toBe(200);
    }
    const start = (await membersOf('cp-1')).find((m) => m.nodeId === 'cp-1') as unknown as { heartbeat: number };
    await pollUntil(
      '10 gossip rounds of cp-1',
      async () => {
        const self = (await membersOf('cp-1')).find((m) => m.nodeId === 'cp-1') as unknown as { heartbeat: number };
        return self.heartbeat >= start.heartbeat + 10 ? true : undefined;
      },
      15_000,
    );
    process.stdout.write(`forged members at a non-gossip port: contacted ${contacted} times\n`);
    expect(contacted).toBe(0);
    for (const id of MESH) {
      const ids = (await membersOf(id)).map((m) => m.nodeId);
      expect(ids).not.toContain('cp-9');
      expect(ids).not.toContain('ghost');
    }
  }, 30_000);
});
