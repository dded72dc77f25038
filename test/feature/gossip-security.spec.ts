import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { executablePath, startExecutable, type RunningHost } from '../support/executable-process';
import { getJson, pollUntil } from '../support/poll';
import { sampleValue } from '../support/prometheus-text';
import { postGossip, signedGossip } from '../support/signed-gossip';
import { GOSSIP_LEFT_REASON } from '@omnirelay/peer-health';

const exec = promisify(execFile);

/**
 * The gossip attacks of issue 9 replayed against real processes of the single executable, every one
 * started with the same cluster gossip key. The test signs its own messages with an independent
 * implementation of the documented envelope (docs/security.md), as a node holding the key would.
 */
const KEY = randomBytes(32);
const TIMING = { GOSSIP_INTERVAL_MS: 200, SUSPICION_TIMEOUT_MS: 1000, HEARTBEAT_GRACE_MS: 3000 };
const env = {
  ...Object.fromEntries(Object.entries(TIMING).map(([k, v]) => [k, String(v)])),
  OMNIRELAY_GOSSIP_KEY: KEY.toString('base64'),
  // Only 127.0.0.1: a member advertising any other address, even loopback 127.0.0.2, is refused.
  GOSSIP_ALLOW: '127.0.0.1/32',
  SCOPES: 'global,shard-00',
};
/** Rounds the mesh is watched after an attack, to show that nothing changes later either. */
const WATCH_ROUNDS = 10;
const SLACK_MS = 1500;
const MAX = Number.MAX_SAFE_INTEGER;

interface Member {
  nodeId: string;
  url: string;
  role: string;
  cluster: string;
  region: string;
  meshVersion: string;
  http3: boolean;
  labels: Record<string, string>;
  incarnation: number;
  heartbeat: number;
  state: string;
  firstHand: boolean;
  self: boolean;
}
interface Peers {
  self: string;
  members: Member[];
}
interface Leaders {
  scopes: Array<{ scope: string; leaderId?: string; term: number }>;
}

function envelope(from: string, members: readonly object[], key: Buffer = KEY, sentAt = Date.now()): string {
  return signedGossip(key, from, members, sentAt);
}

const post = postGossip;

const entry = (nodeId: string, over: Partial<Member> = {}) => ({
  nodeId,
  url: 'http://127.0.0.1:9',
  role: 'control-plane',
  cluster: 'local',
  region: 'local',
  meshVersion: '1.4.0',
  http3: false,
  labels: {},
  incarnation: 1,
  heartbeat: 1,
  state: 'alive',
  ...over,
});

const hosts = new Map<string, RunningHost>();
const url = (nodeId: string): string => {
  const host = hosts.get(nodeId);
  if (!host) throw new Error(`${nodeId} is not running`);
  return host.url;
};
const peersOf = (nodeId: string) => getJson<Peers>(`${url(nodeId)}/control/peers`);
const memberOn = async (nodeId: string, memberId: string) => (await peersOf(nodeId)).members.find((m) => m.nodeId === memberId);
const MESH = ['cp-1', 'cp-2', 'cp-3'];

/** Leaders of every node; fails unless all agree and every scope is led by a real member. */
async function agreedLeaders(): Promise<string> {
  const views = await Promise.all(MESH.map(async (id) => (await getJson<Leaders>(`${url(id)}/control/leaders`)).scopes));
  const shown = views.map((scopes) => scopes.map((s) => `${s.scope}=${s.leaderId ?? '-'}`).join(' '));
  if (new Set(shown).size !== 1) throw new Error(`nodes disagree on leaders: ${shown.join(' | ')}`);
  for (const scope of views[0] ?? []) if (!MESH.includes(scope.leaderId ?? '')) throw new Error(`scope ${scope.scope} led by ${scope.leaderId ?? 'nobody'}`);
  return shown[0] ?? '';
}

/** Waits WATCH_ROUNDS gossip rounds of `nodeId` (its own heartbeat is its round count), checking `check` each poll. */
async function watchRounds(nodeId: string, check: () => Promise<void>): Promise<void> {
  const start = (await peersOf(nodeId)).members.find((m) => m.self)?.heartbeat ?? 0;
  await pollUntil(
    `${WATCH_ROUNDS} rounds of ${nodeId} with the mesh intact`,
    async () => {
      await check();
      const now = (await peersOf(nodeId)).members.find((m) => m.self)?.heartbeat ?? 0;
      return now >= start + WATCH_ROUNDS ? true : undefined;
    },
    WATCH_ROUNDS * TIMING.GOSSIP_INTERVAL_MS * 3 + SLACK_MS,
  ).catch(async (error: unknown) => {
    // A failed check is the interesting error, not the timeout.
    await check();
    throw error;
  });
}

async function metric(nodeId: string, labels: Record<string, string>): Promise<number> {
  const text = await (await fetch(`${url(nodeId)}/metrics`)).text();
  return sampleValue(text, 'mesh_gossip_messages_total', labels) ?? 0;
}

describe('gossip integrity against real processes (signed mesh)', () => {
  beforeAll(async () => {
    hosts.set('cp-1', await startExecutable({ args: ['--role', 'control-plane', '--node-id', 'cp-1'], env }));
    for (const id of ['cp-2', 'cp-3']) {
      hosts.set(id, await startExecutable({ args: ['--role', 'control-plane', '--node-id', id, '--seeds', url('cp-1')], env }));
    }
    await pollUntil(
      'a signed mesh of three, every member first-hand everywhere, one leader per scope',
      async () => {
        for (const id of MESH) {
          const members = (await peersOf(id)).members;
          if (members.filter((m) => m.state === 'alive' && m.firstHand).length !== 3) return undefined;
        }
        return agreedLeaders();
      },
      15_000,
    );
  }, 60_000);

  afterAll(async () => {
    await Promise.all([...hosts.values()].map((host) => host.stop().catch(() => undefined)));
  });

  it('refuses a key that is not 32 bytes at start-up with exit 64, without printing it', async () => {
    const short = randomBytes(16).toString('base64');
    const failed = (await exec(executablePath(), ['--gossip-key', short], { env: { PATH: process.env.PATH ?? '' } }).catch((error: unknown) => error)) as {
      code?: number;
      stderr?: string;
    };
    expect(failed.code).toBe(64);
    expect(failed.stderr).toMatch(/--gossip-key .*32 bytes, got 16 bytes/);
    expect(failed.stderr).not.toContain(short);
  }, 20_000);

  it('answers 401 JSON to an unsigned message, a wrong key and a replay, and counts them', async () => {
    const before = await metric('cp-1', { direction: 'received', outcome: 'rejected', reason: 'unauthenticated' });
    const replayedBefore = await metric('cp-1', { direction: 'received', outcome: 'rejected', reason: 'replayed' });
    const forgedLeft = [entry('cp-2', { state: 'left', incarnation: MAX, url: url('cp-2') })];

    const unsigned = await post(url('cp-1'), JSON.stringify({ from: 'attacker', members: forgedLeft }));
    expect(unsigned.status).toBe(401);
    expect(unsigned.json).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    expect(unsigned.json['message']).toMatch(/not signed/);
    const wrongKey = await post(url('cp-1'), envelope('cp-2', forgedLeft, randomBytes(32)));
    expect(wrongKey.status).toBe(401);

    const genuine = envelope('observer', []);
    expect((await post(url('cp-1'), genuine)).status).toBe(200);
    expect((await post(url('cp-1'), genuine)).status).toBe(401);
    expect((await post(url('cp-1'), envelope('observer', [], KEY, Date.now() - 60_000))).status).toBe(401);

    expect(await metric('cp-1', { direction: 'received', outcome: 'rejected', reason: 'unauthenticated' })).toBe(before + 2);
    expect(await metric('cp-1', { direction: 'received', outcome: 'rejected', reason: 'replayed' })).toBe(replayedBefore + 2);
    expect((await memberOn('cp-1', 'cp-2'))?.state).toBe('alive');
  });

  it('forged left: signed by a member about another member, at incarnation 2^53-1, is ignored; one leader per scope everywhere', async () => {
    const before = await agreedLeaders();
    for (const target of MESH) {
      for (const victim of MESH.filter((id) => id !== target)) {
        const forger = MESH.find((id) => id !== target && id !== victim) ?? 'cp-x';
        const forged = [entry(victim, { state: 'left', incarnation: MAX, heartbeat: MAX, url: url(victim) })];
        expect((await post(url(target), envelope(forger, forged))).status).toBe(200);
        expect(await memberOn(target, victim)).toMatchObject({ state: 'alive', firstHand: true });
      }
    }
    await watchRounds('cp-1', async () => {
      expect(await agreedLeaders()).toBe(before);
      for (const id of MESH) {
        const members = (await peersOf(id)).members;
        expect(members.filter((m) => m.state === 'alive').map((m) => m.nodeId).sort()).toEqual(MESH);
      }
    });
  }, 30_000);

  it('forged suspicion: signed by a member about the leader, far ahead of its heartbeat, is refuted; the leader is never dead and leads everywhere again', async () => {
    const before = await agreedLeaders();
    const leaderId = (await getJson<Leaders>(`${url('cp-1')}/control/leaders`)).scopes.find((s) => s.scope === 'global')?.leaderId ?? '';
    const target = MESH.find((id) => id !== leaderId) ?? '';
    const forger = MESH.find((id) => id !== leaderId && id !== target) ?? '';
    const known = await memberOn(target, leaderId);
    const forged = [entry(leaderId, { state: 'suspect', incarnation: known?.incarnation ?? 1, heartbeat: MAX - 10, url: url(leaderId) })];
    expect((await post(url(target), envelope(forger, forged))).status).toBe(200);
    const neverDead = async (): Promise<void> => {
      for (const id of MESH) expect((await memberOn(id, leaderId))?.state).not.toBe('dead');
    };
    // Refuted (by the leader's next heartbeats or its word): alive everywhere again, the same leaders.
    await pollUntil(
      'the forged suspicion refuted everywhere',
      async () => {
        await neverDead();
        for (const id of MESH) if ((await memberOn(id, leaderId))?.state !== 'alive') return undefined;
        return (await agreedLeaders().catch(() => '')) === before ? true : undefined;
      },
      WATCH_ROUNDS * TIMING.GOSSIP_INTERVAL_MS * 3 + SLACK_MS,
    );
    expect((await memberOn(target, leaderId))?.heartbeat ?? MAX).toBeLessThan(MAX - 10);
    await watchRounds(leaderId, async () => {
      await neverDead();
      expect(await agreedLeaders()).toBe(before);
    });
  }, 30_000);

  it('forged leader member: an id that would win every scope, introduced by a member, never leads', async () => {
    const before = await agreedLeaders();
    const score = (scope: string, id: string) => createHash('sha256').update(`${scope}\u0000${id}`).digest('hex');
    const scopes = ['global', 'shard-00'];
    let forged = '';
    for (let i = 0; !forged; i++) {
      const id = `zz-${i}`;
      if (scopes.every((scope) => MESH.every((real) => score(scope, id) > score(scope, real)))) forged = id;
    }
    for (const target of MESH) {
      const introducer = MESH.find((id) => id !== target) ?? 'cp-x';
      expect((await post(url(target), envelope(introducer, [entry(forged, { url: url(target) })]))).status).toBe(200);
      expect(await memberOn(target, forged)).toMatchObject({ firstHand: false });
    }
    await watchRounds('cp-1', async () => {
      expect(await agreedLeaders()).toBe(before);
    });
  }, 30_000);

  it('metadata-address member: never accepted, never contacted; a member at a non-allowed address is never contacted either', async () => {
    let contacted = 0;
    const trap: Server = createServer((request, response) => {
      contacted++;
      request.resume();
      response.end('{}');
    });
    await new Promise<void>((resolve) => trap.listen(0, '127.0.0.2', resolve));
    try {
      const trapUrl = `http://127.0.0.2:${(trap.address() as AddressInfo).port}`;
      const refusedBefore = await metric('cp-1', { direction: 'sent', outcome: 'rejected', reason: 'not-allowed' });
      for (const target of MESH) {
        const introducer = MESH.find((id) => id !== target) ?? 'cp-x';
        const members = [entry('imds', { url: 'http://169.254.169.254', role: 'worker' }), entry('trap', { url: trapUrl, role: 'worker' })];
        expect((await post(url(target), envelope(introducer, members))).status).toBe(200);
        // The member itself claiming such an address is refused the same way.
        expect((await post(url(target), envelope('imds', [entry('imds', { url: 'http://169.254.169.254:80' })]))).status).toBe(200);
      }
      await watchRounds('cp-1', async () => {
        for (const id of MESH) {
          const ids = (await peersOf(id)).members.map((m) => m.nodeId);
          expect(ids).not.toContain('imds');
          expect(ids).not.toContain('trap');
        }
        expect(contacted).toBe(0);
      });
      expect(await metric('cp-1', { direction: 'sent', outcome: 'rejected', reason: 'not-allowed' })).toBe(refusedBefore);
    } finally {
      await new Promise<void>((resolve) => trap.close(() => resolve()));
    }
  }, 30_000);

  it('left flood: 1,100 forged left members leave no trace, and the node stays alive to its peers', async () => {
    const flood = Array.from({ length: 1100 }, (_, i) => entry(`gone-${i}`, { state: 'left', incarnation: MAX, url: `http://127.0.0.1:${10_000 + i}` }));
    expect((await post(url('cp-1'), envelope('cp-2', flood))).status).toBe(413); // over the 1,024 a message may carry
    expect((await post(url('cp-1'), envelope('cp-2', flood.slice(0, 550)))).status).toBe(200);
    expect((await post(url('cp-1'), envelope('cp-3', flood.slice(550)))).status).toBe(200);
    await watchRounds('cp-1', async () => {
      expect((await peersOf('cp-1')).members.some((m) => m.nodeId.startsWith('gone-'))).toBe(false);
      for (const id of ['cp-2', 'cp-3']) expect(await memberOn(id, 'cp-1')).toMatchObject({ state: 'alive' });
    });
    expect(await metric('cp-2', { direction: 'received', outcome: 'rejected', reason: 'too-large' })).toBe(0);
  }, 30_000);

  it('forged-peer flood: 10,000 forged members introduced to one node; the member cap holds', async () => {
    const lone = await startExecutable({ args: ['--role', 'control-plane', '--node-id', 'lone', '--gossip-max-members', '500'], env });
    try {
      for (let batch = 0; batch < 10; batch++) {
        // At the node's own port: a gossip port, so the fakes pass the address rule and only the cap stops them.
        const members = Array.from({ length: 1000 }, (_, i) => entry(`fake-${batch}-${i}`, { role: 'worker', url: lone.url }));
        expect((await post(lone.url, envelope('somebody', members))).status).toBe(200);
      }
      const peers = await getJson<Peers>(`${lone.url}/control/peers`);
      expect(peers.members.length).toBe(501);
      const health = await getJson<{ peers: Array<{ metadata?: Record<string, string> }> }>(`${lone.url}/omnirelay/control/lease-health`);
      // A fake that went silent long enough while the flood went on (a slow machine) died; at the cap
      // its tombstone made room for a later fake, and lease-health keeps it as a disconnected peer
      // until retention, as it keeps any dead peer. What the cap bounds is the live ones.
      const live = health.peers.filter((peer) => peer.metadata?.['disconnect.reason'] !== GOSSIP_LEFT_REASON);
      expect(live.length).toBeLessThanOrEqual(501);
    } finally {
      await lone.stop();
    }
  }, 30_000);
});
