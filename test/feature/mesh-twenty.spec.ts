import { randomBytes } from 'node:crypto';
import { startExecutable, type RunningHost } from '../support/executable-process';
import { getJson, pollUntil } from '../support/poll';
import { postGossip, signedGossip } from '../support/signed-gossip';

/**
 * Twenty real processes of the single executable in one signed mesh (message format 2: compact
 * digests): they converge, fail over after a kill -9 of the leader, and refute a forged suspicion.
 * Lean on CPU: started in parallel behind one seed, polled rather than watched.
 */
const KEY = randomBytes(32);
const SIZE = 20;
const TIMING = { GOSSIP_INTERVAL_MS: 500, SUSPICION_TIMEOUT_MS: 3000, HEARTBEAT_GRACE_MS: 6000 };
const env = {
  ...Object.fromEntries(Object.entries(TIMING).map(([k, v]) => [k, String(v)])),
  OMNIRELAY_GOSSIP_KEY: KEY.toString('base64'),
  GOSSIP_ALLOW: '127.0.0.1/32',
  SCOPES: 'global',
};
const MAX = Number.MAX_SAFE_INTEGER;

interface Member {
  nodeId: string;
  url: string;
  incarnation: number;
  heartbeat: number;
  state: string;
  firstHand: boolean;
  self: boolean;
}
interface Leaders {
  scopes: Array<{ scope: string; leaderId?: string }>;
}

const ids = Array.from({ length: SIZE }, (_, i) => `n-${String(i + 1).padStart(2, '0')}`);
const hosts = new Map<string, RunningHost>();
const urlOf = (nodeId: string): string => hosts.get(nodeId)?.url ?? '';
const membersOf = async (nodeId: string): Promise<Member[]> => (await getJson<{ members: Member[] }>(`${urlOf(nodeId)}/control/peers`)).members;
const leaderOn = async (nodeId: string): Promise<string | undefined> =>
  (await getJson<Leaders>(`${urlOf(nodeId)}/control/leaders`)).scopes.find((scope) => scope.scope === 'global')?.leaderId;

/** The one global leader every running node names, or undefined while they disagree (or name `not`). */
async function agreedLeader(running: readonly string[], not?: string): Promise<string | undefined> {
  const named = new Set(await Promise.all(running.map(leaderOn)));
  const [leader] = [...named];
  return named.size === 1 && leader !== undefined && leader !== not ? leader : undefined;
}

describe(`a signed mesh of ${SIZE} real processes`, () => {
  beforeAll(async () => {
    // Every one a control-plane node: all twenty are candidates for the leadership.
    const args = (id: string): string[] => ['--role', 'control-plane', '--node-id', id];
    const [seed = '', ...rest] = ids;
    hosts.set(seed, await startExecutable({ args: args(seed), env, readyTimeoutMs: 30_000 }));
    const started = await Promise.all(rest.map((id) => startExecutable({ args: [...args(id), '--seeds', urlOf(seed)], env, readyTimeoutMs: 30_000 })));
    rest.forEach((id, i) => {
      const host = started[i];
      if (host) hosts.set(id, host);
    });
  }, 90_000);

  afterAll(async () => {
    await Promise.all([...hosts.values()].map((host) => host.stop().catch(() => undefined)));
  }, 60_000);

  it('converges (every member alive everywhere, one leader), fails over after kill -9 of the leader, and refutes a forged suspicion', async () => {
    const began = Date.now();
    const { value: leader } = await pollUntil(
      `all ${SIZE} members alive on every node, one global leader`,
      async () => {
        const alive = await Promise.all(ids.map(async (id) => (await membersOf(id)).filter((m) => m.state === 'alive').length));
        if (alive.some((count) => count !== SIZE)) throw new Error(`members alive per node: ${alive.join(',')}`);
        return agreedLeader(ids);
      },
      30_000,
    );
    process.stdout.write(`${SIZE} processes converged ${Date.now() - began} ms after the last one started; leader ${leader}\n`);

    // The list travels as a compact digest: a format 2 request is answered with every other member in one message.
    const observer = ids.find((id) => id !== leader) ?? '';
    const answer = await postGossip(urlOf(observer), signedGossip(KEY, 'observer', [], Date.now(), { digest: [] }));
    expect(answer.status).toBe(200);
    const payload = JSON.parse(String(answer.json['payload'])) as { digest: unknown[]; members: Array<{ nodeId: string }> };
    expect(payload.digest).toHaveLength(SIZE - 1);
    expect(payload.members[0]?.nodeId).toBe(observer);

    // kill -9 of the leader: the others agree on another, and mark it dead.
    const victim = hosts.get(leader);
    process.kill(victim?.pid ?? 0, 'SIGKILL');
    expect((await victim?.exited)?.signal).toBe('SIGKILL');
    hosts.delete(leader);
    const killedAt = Date.now();
    const survivors = ids.filter((id) => id !== leader);
    const { value: successor } = await pollUntil('a new global leader on every survivor', () => agreedLeader(survivors, leader), 20_000);
    const failoverMs = Date.now() - killedAt;
    await pollUntil(
      'the killed leader dead on every survivor',
      async () => {
        for (const id of survivors) if ((await membersOf(id)).find((m) => m.nodeId === leader)?.state !== 'dead') return undefined;
        return true;
      },
      20_000,
    );
    process.stdout.write(`failover to ${successor} ${failoverMs} ms after kill -9, dead everywhere ${Date.now() - killedAt} ms after\n`);

    // A forged suspicion of the new leader far ahead of its heartbeat, signed by a member: refuted, never dead.
    const target = survivors.find((id) => id !== successor) ?? '';
    const forger = survivors.find((id) => id !== successor && id !== target) ?? '';
    const known = (await membersOf(target)).find((m) => m.nodeId === successor);
    const forged = { nodeId: successor, url: urlOf(successor), role: 'control-plane', cluster: 'local', region: 'local', meshVersion: '1.4.0', http3: false, labels: {} };
    const suspicion = { ...forged, incarnation: known?.incarnation ?? 1, heartbeat: MAX - 10, state: 'suspect' };
    expect((await postGossip(urlOf(target), signedGossip(KEY, forger, [suspicion], Date.now(), { digest: [] }))).status).toBe(200);
    await pollUntil(
      'the forged suspicion refuted: the successor alive and leading everywhere',
      async () => {
        for (const id of survivors) {
          const state = (await membersOf(id)).find((m) => m.nodeId === successor)?.state;
          expect(state).not.toBe('dead');
          if (state !== 'alive') return undefined;
        }
        return (await agreedLeader(survivors)) === successor ? true : undefined;
      },
      10_000,
    );
    expect((await membersOf(target)).find((m) => m.nodeId === successor)?.heartbeat ?? MAX).toBeLessThan(MAX - 10);
  }, 90_000);
});
