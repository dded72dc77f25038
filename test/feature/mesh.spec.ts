import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { executablePath, startExecutable, type RunningHost } from '../support/executable-process';
import { getJson, pollUntil } from '../support/poll';
import { sampleValue } from '../support/prometheus-text';

const exec = promisify(execFile);

/** Fast timings so the scenarios run in seconds; the bounds below are derived from them. */
const TIMING = {
  GOSSIP_INTERVAL_MS: 200,
  SUSPICION_TIMEOUT_MS: 1000,
  HEARTBEAT_GRACE_MS: 3000,
  LEASE_DURATION_MS: 1500,
  WORKER_HEARTBEAT_MS: 300,
  WORK_MS: 300,
  PRODUCE_INTERVAL_MS: 100,
};
const env = Object.fromEntries(Object.entries(TIMING).map(([k, v]) => [k, String(v)]));
/** Slack for process scheduling on a loaded 2-core machine, added to every protocol bound. */
const SLACK_MS = 1500;

interface Peer {
  peerId: string;
  isHealthy: boolean;
  activeAssignments: number;
  activeLeases: Array<{ sequenceId: number; attempt: number; leaseId: string }>;
  metadata: Record<string, string>;
}
interface LeaseHealth {
  peers: Peer[];
  summary: { eligiblePeers: number; unhealthyPeers: number; pendingReassignments: number };
}
interface Leaders {
  scopes: Array<{ scope: string; leaderId?: string; term: number }>;
}
interface WorkStats {
  total: number;
  pending: number;
  leased: number;
  completed: number;
  requeued: number;
  expired: number;
}

const hosts = new Map<string, RunningHost>();

async function start(nodeId: string, args: string[]): Promise<RunningHost> {
  const host = await startExecutable({ args: ['--node-id', nodeId, ...args], env });
  hosts.set(nodeId, host);
  return host;
}

function url(nodeId: string): string {
  const host = hosts.get(nodeId);
  if (!host) throw new Error(`${nodeId} is not running`);
  return host.url;
}

const peerOn = async (nodeId: string, peerId: string): Promise<Peer | undefined> =>
  (await getJson<LeaseHealth>(`${url(nodeId)}/omnirelay/control/lease-health`)).peers.find((p) => p.peerId === peerId);

async function startWorker(nodeId: string): Promise<RunningHost> {
  return start(nodeId, ['--role', 'worker', '--seeds', url('cp-1'), '--dispatcher-url', url('dispatcher-1')]);
}

describe('a mesh of control-plane, dispatcher and worker processes', () => {
  beforeAll(async () => {
    await start('cp-1', ['--role', 'control-plane']);
    await start('cp-2', ['--role', 'control-plane', '--seeds', url('cp-1')]);
    await start('dispatcher-1', ['--role', 'dispatcher', '--seeds', url('cp-1')]);
    for (const id of ['worker-1', 'worker-2', 'worker-3']) await startWorker(id);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([...hosts.values()].map((host) => host.stop().catch(() => undefined)));
  });

  it('flows work, and both diagnostics hosts show the workers with mesh metadata and leadership labels', async () => {
    const { value: stats } = await pollUntil(
      'every worker to have completed work',
      async () => {
        const stats = await getJson<WorkStats>(`${url('dispatcher-1')}/control/work`);
        return stats.completed >= 15 ? stats : undefined;
      },
      15_000,
    );
    expect(stats.total).toBe(stats.pending + stats.leased + stats.completed);
    for (const host of ['cp-1', 'dispatcher-1']) {
      await pollUntil(
        `${host} to show three workers with mesh.* metadata and leadership labels`,
        async () => {
          const body = await getJson<LeaseHealth>(`${url(host)}/omnirelay/control/lease-health`);
          const workers = body.peers.filter((p) => p.peerId.startsWith('worker-'));
          const complete = workers.every(
            (p) =>
              p.isHealthy &&
              p.metadata['mesh.role'] === 'worker' &&
              p.metadata['mesh.region'] === 'local' &&
              p.metadata['mesh.leader.scope.global'] === 'follower' &&
              p.metadata['mesh.leader.scope.shard-00'] === 'follower',
          );
          return workers.length === 3 && complete ? body : undefined;
        },
        10_000,
      );
    }
  }, 40_000);

  it('kill -9 of a worker: unhealthy on both hosts with a reason, its lease requeued and completed by others; restart recovers it', async () => {
    const victim = 'worker-2';
    const metricsBefore = await (await fetch(`${url('dispatcher-1')}/metrics`)).text();
    const transitionsBefore =
      sampleValue(metricsBefore, 'omnirelay_peer_health_transitions_total', { from: 'healthy', to: 'unhealthy', reason: 'disconnect' }) ?? 0;
    const statsBefore = await getJson<WorkStats>(`${url('dispatcher-1')}/control/work`);
    const { value: held } = await pollUntil(
      `${victim} to hold a lease`,
      async () => {
        const peer = await peerOn('dispatcher-1', victim);
        return peer?.activeLeases[0]?.sequenceId;
      },
      10_000,
      20,
    );
    const victimHost = hosts.get(victim);
    hosts.delete(victim);
    const killedAt = Date.now();
    process.kill(victimHost?.pid ?? 0, 'SIGKILL');
    expect((await victimHost?.exited)?.signal).toBe('SIGKILL');

    const bound = TIMING.HEARTBEAT_GRACE_MS + TIMING.GOSSIP_INTERVAL_MS + SLACK_MS;
    for (const host of ['cp-1', 'dispatcher-1']) {
      const { value: peer } = await pollUntil(
        `${host} to show ${victim} unhealthy with a disconnect reason`,
        async () => {
          const peer = await peerOn(host, victim);
          return peer && !peer.isHealthy && peer.metadata['disconnect.reason'] ? peer : undefined;
        },
        bound,
      );
      expect(['gossip-left', 'lease-expired']).toContain(peer.metadata['disconnect.reason']);
    }
    expect(Date.now() - killedAt).toBeLessThanOrEqual(bound + 500);

    const { value: item } = await pollUntil(
      `item ${held} to be completed by another worker`,
      async () => {
        const item = await getJson<{ state: string; completedBy?: string; holders: string[]; attempt: number }>(
          `${url('dispatcher-1')}/control/work/${held}`,
        );
        return item.state === 'completed' ? item : undefined;
      },
      10_000,
    );
    expect(item.holders[0]).toBe(victim);
    expect(item.completedBy).not.toBe(victim);
    expect(item.attempt).toBeGreaterThan(1);

    const metricsAfter = await (await fetch(`${url('dispatcher-1')}/metrics`)).text();
    expect(
      sampleValue(metricsAfter, 'omnirelay_peer_health_transitions_total', { from: 'healthy', to: 'unhealthy', reason: 'disconnect' }),
    ).toBeGreaterThan(transitionsBefore);
    const statsAfter = await getJson<WorkStats>(`${url('dispatcher-1')}/control/work`);
    expect(statsAfter.expired).toBeGreaterThan(statsBefore.expired);
    expect(statsAfter.requeued).toBeGreaterThan(statsBefore.requeued);
    expect(statsAfter.total).toBe(statsAfter.pending + statsAfter.leased + statsAfter.completed);

    await startWorker(victim);
    const recovery = TIMING.WORKER_HEARTBEAT_MS + TIMING.GOSSIP_INTERVAL_MS + SLACK_MS;
    for (const host of ['cp-1', 'dispatcher-1']) {
      await pollUntil(`${host} to show the restarted ${victim} healthy`, async () => ((await peerOn(host, victim))?.isHealthy ? true : undefined), recovery);
    }
  }, 60_000);

  it('the operator CLI lists and shows what the endpoint says', async () => {
    const body = await getJson<LeaseHealth>(`${url('cp-1')}/omnirelay/control/lease-health`);
    const list = await exec(executablePath(), ['peers', 'list', '--url', url('cp-1')]);
    for (const peer of body.peers) expect(list.stdout).toContain(peer.peerId);
    expect(list.stdout).toMatch(/\d+ peers: \d+ eligible, \d+ unhealthy, \d+ pending reassignments/);

    const shown = await exec(executablePath(), ['peers', 'show', 'worker-1', '--url', url('cp-1'), '--json']);
    const peer = JSON.parse(shown.stdout) as Peer;
    expect(peer.peerId).toBe('worker-1');
    expect(peer.metadata['mesh.role']).toBe('worker');

    const missing = await exec(executablePath(), ['peers', 'show', 'nobody', '--url', url('cp-1')]).catch((error: unknown) => error);
    expect((missing as { code?: number }).code).toBe(1);
  }, 60_000);

  it('killing the leader of a scope hands it to another node with a higher term within the suspicion timeout', async () => {
    const before = await getJson<Leaders>(`${url('cp-1')}/control/leaders`);
    const target = before.scopes.find((s) => s.leaderId !== undefined && s.leaderId !== 'cp-1' && s.leaderId !== 'dispatcher-1');
    if (!target?.leaderId) throw new Error(`no scope is led by a node the test may kill: ${JSON.stringify(before)}`);
    const leader = target.leaderId;
    const leaderHost = hosts.get(leader);
    hosts.delete(leader);
    process.kill(leaderHost?.pid ?? 0, 'SIGKILL');
    await leaderHost?.exited;

    const bound = TIMING.SUSPICION_TIMEOUT_MS + 2 * TIMING.GOSSIP_INTERVAL_MS + SLACK_MS;
    const { value: after } = await pollUntil(
      `cp-1 to elect a new leader of ${target.scope}`,
      async () => {
        const leaders = await getJson<Leaders>(`${url('cp-1')}/control/leaders`);
        const scope = leaders.scopes.find((s) => s.scope === target.scope);
        return scope?.leaderId !== undefined && scope.leaderId !== leader ? scope : undefined;
      },
      bound,
    );
    expect(after.term).toBeGreaterThan(target.term);
    await pollUntil(
      'the leadership labels to follow',
      async () => {
        const next = await peerOn('cp-1', after.leaderId ?? '');
        const old = await peerOn('cp-1', leader);
        return next?.metadata[`mesh.leader.scope.${target.scope}`] === 'leader' &&
          old?.metadata[`mesh.leader.scope.${target.scope}`] === 'follower'
          ? true
          : undefined;
      },
      SLACK_MS,
    );
  }, 30_000);

  it('stopping the dispatcher leaves the control-plane endpoint serving, the dispatcher shown as gone', async () => {
    const dispatcher = hosts.get('dispatcher-1');
    hosts.delete('dispatcher-1');
    const stopped = await dispatcher?.stop();
    expect(stopped?.signal === 'SIGTERM' || stopped?.code === 0).toBe(true);
    const { value: gone } = await pollUntil(
      'cp-1 to show dispatcher-1 gone',
      async () => {
        const peer = await peerOn('cp-1', 'dispatcher-1');
        return peer && !peer.isHealthy ? peer : undefined;
      },
      TIMING.GOSSIP_INTERVAL_MS + SLACK_MS,
    );
    expect(gone.metadata['disconnect.reason']).toBe('gossip-left');
    const body = await getJson<LeaseHealth>(`${url('cp-1')}/omnirelay/control/lease-health`);
    expect(body.peers.filter((p) => p.peerId.startsWith('worker-') && p.metadata['mesh.role'] === 'worker').length).toBe(3);
    expect((await getJson<Leaders>(`${url('cp-1')}/control/leaders`)).scopes.length).toBe(2);
  }, 30_000);
});
