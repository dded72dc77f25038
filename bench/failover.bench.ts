// failover: kill -9 of the `global` leader among three control-plane nodes on one etcd, KILLS times;
// each time, the wall time from the kill until a survivor names a new leader, and how long a survivor
// named no leader at all (neither leader nor suspect). Prints median and p99 against the TTL.
// Needs `npm run build:artifacts` and etcd on the PATH.
// `node dist/bench/run.js failover` (or `node dist/bench/failover.bench.js [kills] [ttlMs]`).
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { median, percentile, record } from './support/results';

interface RunningHost {
  readonly url: string;
  readonly pid: number | undefined;
  readonly exited: Promise<unknown>;
  stop(): Promise<unknown>;
}
interface EtcdCluster {
  readonly endpoints: string;
  stop(): Promise<void>;
}
interface Leaders {
  scopes: Array<{ scope: string; leaderId?: string; suspectLeaderId?: string; term: number }>;
}

const load = createRequire(__filename);
const support = resolve(__dirname, '../../test/support');
const { startExecutable } = load(`${support}/executable-process.js`) as {
  startExecutable: (options: { args: string[]; env: Record<string, string>; readyTimeoutMs: number }) => Promise<RunningHost>;
};
const { startEtcdCluster } = load(`${support}/etcd-process.js`) as { startEtcdCluster: (options: { size: number }) => Promise<EtcdCluster> };

const KILLS = Number(process.argv[2] ?? 10);
const TTL_MS = Number(process.argv[3] ?? 5000);
const NODES = ['cp-1', 'cp-2', 'cp-3'];
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

async function globalOf(url: string): Promise<Leaders['scopes'][number] | undefined> {
  const answer = await fetch(`${url}/control/leaders`, { signal: AbortSignal.timeout(2000) }).catch(() => undefined);
  if (answer?.status !== 200) return undefined;
  return ((await answer.json()) as Leaders).scopes.find((s) => s.scope === 'global');
}

async function main(): Promise<void> {
  const etcd = await startEtcdCluster({ size: 1 });
  const hosts = new Map<string, RunningHost>();
  const start = async (nodeId: string): Promise<void> => {
    const seeds = [...hosts.values()][0]?.url;
    hosts.set(
      nodeId,
      await startExecutable({
        args: ['--role', 'control-plane', '--node-id', nodeId, ...(seeds === undefined ? [] : ['--seeds', seeds])],
        env: { OMNIRELAY_STORE: 'etcd', OMNIRELAY_ETCD_ENDPOINTS: etcd.endpoints, OMNIRELAY_LEADER_TTL_MS: String(TTL_MS), GOSSIP_INTERVAL_MS: '200' },
        readyTimeoutMs: 30_000,
      }),
    );
  };
  const failovers: number[] = [];
  const blanks: number[] = [];
  try {
    for (const id of NODES) await start(id);
    for (let kill = 0; kill < KILLS; kill++) {
      // Every node names the same leader first.
      let leader: string | undefined;
      for (let waited = 0; leader === undefined; waited += 100) {
        if (waited > 60_000) throw new Error('no agreed leader of global');
        const views = await Promise.all([...hosts.values()].map((h) => globalOf(h.url)));
        const first = views[0]?.leaderId;
        if (first !== undefined && views.every((v) => v?.leaderId === first)) leader = first;
        else await sleep(100);
      }
      const doomed = hosts.get(leader);
      if (doomed?.pid === undefined) throw new Error(`${leader} is not running`);
      const survivor = [...hosts.entries()].find(([id]) => id !== leader)?.[1];
      if (survivor === undefined) throw new Error('no survivor');
      process.kill(doomed.pid, 'SIGKILL');
      const killedAt = performance.now();
      await doomed.exited;
      hosts.delete(leader);
      let blankSince: number | undefined;
      let blank = 0;
      for (;;) {
        const view = await globalOf(survivor.url);
        const now = performance.now();
        if (view?.leaderId !== undefined && view.leaderId !== leader) {
          failovers.push(now - killedAt);
          break;
        }
        const named = view?.leaderId ?? view?.suspectLeaderId;
        if (named === undefined) blankSince ??= now;
        else if (blankSince !== undefined) {
          blank += now - blankSince;
          blankSince = undefined;
        }
        if (now - killedAt > TTL_MS * 4) throw new Error(`no new leader ${TTL_MS * 4} ms after the kill`);
        await sleep(25);
      }
      blanks.push(blank + (blankSince === undefined ? 0 : performance.now() - blankSince));
      process.stderr.write(`failover ${kill + 1}/${KILLS}: ${Math.round(failovers[failovers.length - 1] ?? 0)} ms\n`);
      await start(leader);
    }
  } finally {
    await Promise.all([...hosts.values()].map((h) => h.stop()));
    await etcd.stop();
  }
  const med = median(failovers);
  const p99 = percentile(failovers, 99);
  console.log(`\n${KILLS} kill -9 of the global leader, TTL ${TTL_MS} ms (3 control-plane nodes, one etcd)`);
  console.log(`new leader after: median ${Math.round(med)} ms, p99 ${Math.round(p99)} ms, min ${Math.round(Math.min(...failovers))}, max ${Math.round(Math.max(...failovers))}`);
  console.log(`  = TTL x${(med / TTL_MS).toFixed(2)} (median), x${(p99 / TTL_MS).toFixed(2)} (p99); no leader nor suspect named: max ${Math.round(Math.max(...blanks))} ms`);
  record({ name: 'failover median', peers: KILLS, value: med, unit: 'ms', baseline: TTL_MS + 1000, ratio: (TTL_MS + 1000) / med, target: '<= TTL + 1 s', met: med <= TTL_MS + 1000 });
  record({ name: 'failover p99', peers: KILLS, value: p99, unit: 'ms', baseline: TTL_MS + 1000, ratio: (TTL_MS + 1000) / p99, target: '<= TTL + 1 s', met: p99 <= TTL_MS + 1000 });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
