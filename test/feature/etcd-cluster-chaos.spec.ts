import { startEtcdCluster, type EtcdCluster } from '../support/etcd-process';
import { startExecutable, type RunningHost } from '../support/executable-process';
import { getJson, loggedCompletions, pollUntil, postJson } from '../support/poll';

/**
 * Three dispatchers on a three-member etcd cluster, 2,000 items, 16 worker loops (in this process,
 * spread over the dispatchers: lease, then complete); etcd's raft leader is killed with -9 in the
 * middle of the run. Every item must be completed exactly once: each sequence id handed out is
 * completed with a 200 once, appears once in the dispatchers' completion logs, and the counts add up.
 */
const ITEMS = 2000;
const CLIENTS = 16;
const ENV = {
  OMNIRELAY_STORE: 'etcd',
  // A few times etcd's election: the raft leader's loss must not change the dispatch leader either.
  OMNIRELAY_LEADER_TTL_MS: '6000',
  LEASE_DURATION_MS: '3000',
  GOSSIP_INTERVAL_MS: '200',
  SUSPICION_TIMEOUT_MS: '1000',
  HEARTBEAT_GRACE_MS: '5000',
  PRODUCE_INTERVAL_MS: '0',
  WORK_MS: '0',
};

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface WorkStats {
  total: number;
  pending: number;
  leased: number;
  completed: number;
  deadLettered: number;
}

describe('three dispatchers on a three-member etcd cluster', () => {
  let etcd: EtcdCluster;
  const hosts: RunningHost[] = [];
  const dispatchers: RunningHost[] = [];

  const start = async (nodeId: string, args: string[]): Promise<RunningHost> => {
    const host = await startExecutable({ args: ['--node-id', nodeId, ...args], env: { ...ENV, OMNIRELAY_ETCD_ENDPOINTS: etcd.endpoints }, readyTimeoutMs: 30_000 });
    hosts.push(host);
    return host;
  };

  beforeAll(async () => {
    etcd = await startEtcdCluster({ size: 3 });
    const first = await start('dispatcher-1', ['--role', 'dispatcher']);
    dispatchers.push(first);
    for (const id of ['dispatcher-2', 'dispatcher-3']) dispatchers.push(await start(id, ['--role', 'dispatcher', '--seeds', first.url]));
  }, 90_000);

  afterAll(async () => {
    await Promise.all(hosts.map((host) => host.stop().catch(() => undefined)));
    await etcd.stop();
  }, 30_000);

  it('completes 2,000 items exactly once across a kill -9 of the raft leader', async () => {
    const urlOf = (loop: number): string => dispatchers[loop % dispatchers.length]?.url ?? '';
    const enqueued: number[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, loop) => {
        while (next < ITEMS) {
          const n = next++;
          const answer = await postJson(`${urlOf(loop)}/control/work`, { resourceType: 'job', resourceId: `item-${n}` });
          expect(answer.status).toBe(201);
          enqueued.push((answer.body as { sequenceId: number }).sequenceId);
        }
      }),
    );
    expect(new Set(enqueued).size).toBe(ITEMS);

    // Worker loops: lease, then complete at once; a store failure (503, the election) or no answer is
    // retried shortly, a lease lost meanwhile (404/409 on complete) is left to whoever leases the item again.
    const completedOk: number[] = [];
    let working = true;
    const workers = Promise.all(
      Array.from({ length: CLIENTS }, async (_, loop) => {
        const workerId = `worker-${loop}`;
        while (working) {
          const lease = await postJson(`${urlOf(loop)}/control/leases`, { workerId }).catch(() => ({ status: 0, body: undefined }));
          if (lease.status !== 200) {
            await pause(lease.status === 204 ? 200 : 100);
            continue;
          }
          const grant = lease.body as { leaseId: string; sequenceId: number; attempt: number };
          // An answer lost (no answer, 503) is asked again: a completion that did commit answers 200 again.
          for (let tries = 0; working && tries < 50; tries++) {
            const done = await postJson(`${urlOf(loop + 1 + tries)}/control/leases/${grant.leaseId}/complete`, { workerId, sequenceId: grant.sequenceId, attempt: grant.attempt }).catch(
              () => ({ status: 0, body: undefined }),
            );
            if (done.status === 200) completedOk.push(grant.sequenceId);
            if (done.status !== 0 && done.status !== 503) break;
            await pause(100);
          }
        }
      }),
    );
    const url = dispatchers[0]?.url ?? '';
    await pollUntil('a quarter of the items completed', async () => ((await getJson<WorkStats>(`${url}/control/work`)).completed >= ITEMS / 4 ? true : undefined), 60_000, 200);

    const { value: leaderName } = await pollUntil('an etcd raft leader', () => etcd.raftLeader(), 10_000, 100);
    const member = etcd.members.find((m) => m.name === leaderName);
    if (!member) throw new Error(`no etcd member named ${leaderName}`);
    await member.kill('SIGKILL');
    const { value: atKill } = await pollUntil('the counts after the kill', () => getJson<WorkStats>(`${url}/control/work`), 10_000, 200);
    expect(atKill.completed).toBeLessThan(ITEMS);

    let stats: WorkStats;
    try {
      ({ value: stats } = await pollUntil(
        'every item completed',
        async () => {
          const s = await getJson<WorkStats>(`${url}/control/work`);
          return s.completed === ITEMS ? s : undefined;
        },
        90_000,
        250,
      ));
    } finally {
      working = false;
      await workers;
    }
    expect(stats).toEqual(expect.objectContaining({ total: ITEMS, pending: 0, leased: 0, completed: ITEMS, deadLettered: 0 }));
    const completions = dispatchers.flatMap((host) => loggedCompletions(host.output()));
    const everyId = [...enqueued].sort((a, b) => a - b);
    expect(completions.sort((a, b) => a - b)).toEqual(everyId);
    expect(completedOk.sort((a, b) => a - b)).toEqual(everyId);
  }, 150_000);
});
