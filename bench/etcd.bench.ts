// etcd: the dispatcher on etcd against etcd itself, side by side in one run on one etcd (a real
// single-member etcd on loopback, started here), 16 clients each (ETCD_BENCH_CLIENTS):
//   raw       compare-and-put transactions through the same etcd3 client library the host uses
//   leases    POST /control/leases through one dispatcher on etcd (--store etcd)
//   heartbeats POST /control/leases/:id/heartbeat through that dispatcher
//   memory    the same lease and heartbeat loads on a dispatcher on the memory store
//   three     the lease load spread over three dispatchers on the same etcd, against one dispatcher
//             side by side (fresh hosts and prefix each, alternating): every granted sequence id
//             must be distinct (no item leased twice)
// Needs `npm run build:artifacts` (it runs the executable) and etcd on the PATH.
// `node dist/bench/run.js etcd` (or `node dist/bench/etcd.bench.js [seconds]`).
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { Etcd3 } from 'etcd3';
import { postJson, runLoops, type LoadFigure } from './support/load-loops';
import { preemptions, processesCpuMicros } from './support/proc-usage';
import { median, record } from './support/results';

interface RunningHost {
  readonly url: string;
  readonly pid: number | undefined;
  stop(): Promise<unknown>;
}
interface EtcdCluster {
  readonly endpoints: string;
  readonly members: ReadonlyArray<{ pid(): number | undefined }>;
  stop(): Promise<void>;
}
interface Grant {
  readonly leaseId: string;
  readonly sequenceId: number;
  readonly attempt: number;
}

const load = createRequire(__filename);
const support = resolve(__dirname, '../../test/support');
const { startExecutable } = load(`${support}/executable-process.js`) as {
  startExecutable: (options: { args: string[]; env: Record<string, string>; readyTimeoutMs: number }) => Promise<RunningHost>;
};
const { startEtcdCluster } = load(`${support}/etcd-process.js`) as { startEtcdCluster: (options: { size: number }) => Promise<EtcdCluster> };

const SECONDS = Number(process.argv[2] ?? 5);
/** The dispatcher on etcd and raw etcd alternate this many times (SECONDS each): each ratio is of neighbours in time. */
const ROUNDS = Number(process.env.ETCD_BENCH_ROUNDS ?? 3);
/**
 * Load clients of each round (16; ETCD_BENCH_CLIENTS=5 shows what one dispatcher spends per lease when
 * it serves a third of them, as each of three dispatchers does).
 */
const CLIENTS = Number(process.env.ETCD_BENCH_CLIENTS ?? 16);
/**
 * Items enqueued per second of leasing to come on etcd (2,500: above every etcd lease rate seen), so
 * that leasing never runs dry in a measured window (3 rounds of 5 s take 37,500); the memory store,
 * several times faster, gets 10,000 per second.
 */
const ITEMS_PER_SECOND = Number(process.env.ETCD_BENCH_ITEMS_PER_SECOND ?? 2500);
const MEMORY_ITEMS_PER_SECOND = 10_000;
/** Items for `rounds` lease windows of SECONDS. */
const itemsFor = (rounds: number, perSecond = ITEMS_PER_SECOND): number => rounds * SECONDS * perSecond;
/** Clients enqueueing them (16: enqueueing must not race on one key either). */
const ENQUEUERS = Number(process.env.ETCD_BENCH_ENQUEUERS ?? 16);

/** etcd's own count of the unary calls it answered, by method (`Txn`, `Range`, ...), read from its /metrics. */
async function etcdCalls(endpoints: string): Promise<Map<string, number>> {
  const calls = new Map<string, number>();
  for (const endpoint of endpoints.split(',')) {
    const text = await (await fetch(`${endpoint}/metrics`)).text();
    for (const match of text.matchAll(/^grpc_server_handled_total\{[^}]*grpc_method="(\w+)"[^}]*\} (\d+)/gm)) {
      const [, method = '', count = '0'] = match;
      calls.set(method, (calls.get(method) ?? 0) + Number(count));
    }
  }
  return calls;
}

/**
 * What etcd answered per granted lease or heartbeat during `load` (transactions, range reads), and the
 * CPU each side spent per grant in µs: etcd, the dispatchers, and this process (the 16 clients). CPU per
 * grant holds up on a shared machine where rates move with the load; it shows where the time goes.
 */
interface CallsPer {
  readonly txn: number;
  readonly range: number;
  readonly cpu: { readonly etcd: number; readonly dispatchers: number; readonly clients: number };
  /** Preemptions per grant of the dispatchers' threads and of etcd's. */
  readonly preempted: { readonly etcd: number; readonly dispatchers: number };
}

/** The etcd members' process ids (set once etcd runs). */
let etcdPids: readonly number[] = [];

const ownCpuMicros = (): number => {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
};

async function counted(endpoints: string, dispatchers: readonly RunningHost[], load: () => Promise<LoadFigure>): Promise<{ figure: LoadFigure; per: CallsPer }> {
  const pids = dispatchers.map((host) => host.pid);
  const before = await etcdCalls(endpoints);
  const cpuBefore = { etcd: processesCpuMicros(etcdPids), dispatchers: processesCpuMicros(pids), clients: ownCpuMicros() };
  const preemptedBefore = { etcd: preemptions(etcdPids), dispatchers: preemptions(pids) };
  const figure = await load();
  const cpuAfter = { etcd: processesCpuMicros(etcdPids), dispatchers: processesCpuMicros(pids), clients: ownCpuMicros() };
  const preemptedAfter = { etcd: preemptions(etcdPids), dispatchers: preemptions(pids) };
  const after = await etcdCalls(endpoints);
  const n = Math.max(1, figure.count);
  const per = (method: string): number => ((after.get(method) ?? 0) - (before.get(method) ?? 0)) / n;
  const cpu = {
    etcd: (cpuAfter.etcd - cpuBefore.etcd) / n,
    dispatchers: (cpuAfter.dispatchers - cpuBefore.dispatchers) / n,
    clients: (cpuAfter.clients - cpuBefore.clients) / n,
  };
  const preempted = { etcd: (preemptedAfter.etcd - preemptedBefore.etcd) / n, dispatchers: (preemptedAfter.dispatchers - preemptedBefore.dispatchers) / n };
  return { figure, per: { txn: per('Txn'), range: per('Range'), cpu, preempted } };
}

/** 16 loops of compare-and-put on their own keys: one etcd round trip each, the floor any dispatcher call pays. */
let rawRuns = 0;
async function raw(endpoints: string): Promise<LoadFigure> {
  const run = ++rawRuns;
  const client = new Etcd3({ hosts: endpoints.split(',') });
  try {
    const revisions = new Array<string>(CLIENTS).fill('0');
    return await runLoops(CLIENTS, SECONDS, async (loop) => {
      const key = `/bench-raw/${run}/${loop}`;
      const started = performance.now();
      const answer = await client
        .if(key, 'Mod', '==', revisions[loop] ?? '0')
        .then(client.put(key).value(String(started)))
        .commit();
      if (!answer.succeeded) throw new Error(`raw compare-and-put on ${key} lost a race it cannot have`);
      revisions[loop] = answer.header.revision;
      return performance.now() - started;
    });
  } finally {
    client.close();
  }
}

async function dispatcher(nodeId: string, store: 'memory' | 'etcd', endpoints: string, prefix: string): Promise<RunningHost> {
  return startExecutable({
    args: ['--role', 'dispatcher', '--node-id', nodeId, '--store', store, '--lease-duration-ms', '600000', '--max-queued-items', String(2 * Math.max(itemsFor(ROUNDS), itemsFor(1, MEMORY_ITEMS_PER_SECOND)))],
    // The bench's workers are silent between rounds: a long grace keeps them eligible meanwhile.
    env: { PRODUCE_INTERVAL_MS: '0', HEARTBEAT_GRACE_MS: '600000', OMNIRELAY_ETCD_ENDPOINTS: endpoints, OMNIRELAY_ETCD_PREFIX: prefix },
    readyTimeoutMs: 30_000,
  });
}

/** Enqueues `items` through the hosts (16 clients), outside the measured windows; resolves with the enqueue rate. */
async function fill(urls: readonly string[], items: number): Promise<LoadFigure> {
  progress(`enqueueing ${items} items`);
  let next = 0;
  return runLoops(ENQUEUERS, 600, async (loop) => {
    if (next >= items) return undefined;
    const n = next++;
    const answer = await postJson(`${urls[loop % urls.length]}/control/work`, { resourceType: 'bench', resourceId: `item-${n}` });
    if (answer.status !== 201) throw new Error(`enqueue answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer.ms;
  });
}

/** Leases from 16 clients spread over `urls`; every grant is kept per client (for the heartbeats) and its sequence id counted. */
async function lease(urls: readonly string[], held: Grant[][], seen: Map<number, number>): Promise<LoadFigure> {
  return runLoops(CLIENTS, SECONDS, async (loop) => {
    const answer = await postJson(`${urls[loop % urls.length]}/control/leases`, { workerId: `bench-worker-${loop}` });
    if (answer.status === 204) return undefined;
    if (answer.status !== 200) throw new Error(`lease answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    const grant = answer.body as Grant;
    held[loop]?.push(grant);
    seen.set(grant.sequenceId, (seen.get(grant.sequenceId) ?? 0) + 1);
    return answer.ms;
  });
}

async function heartbeat(url: string, held: Grant[][]): Promise<LoadFigure> {
  return runLoops(CLIENTS, SECONDS, async (loop) => {
    const mine = held[loop] ?? [];
    const grant = mine[Math.floor(Math.random() * mine.length)];
    if (grant === undefined) return undefined;
    const answer = await postJson(`${url}/control/leases/${grant.leaseId}/heartbeat`, {
      workerId: `bench-worker-${loop}`,
      sequenceId: grant.sequenceId,
      attempt: grant.attempt,
    });
    if (answer.status !== 200) throw new Error(`heartbeat answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer.ms;
  });
}

interface StoreRun {
  readonly enqueue: LoadFigure;
  readonly leases: LoadFigure;
  readonly heartbeats: LoadFigure;
  readonly leasedTwice: number;
}

const progress = (what: string): void => {
  process.stderr.write(`etcd bench: ${what}\n`);
};

async function storeRun(store: 'memory' | 'etcd', endpoints: string, prefix: string): Promise<StoreRun> {
  const host = await dispatcher(`bench-${store}`, store, endpoints, prefix);
  try {
    const enqueue = await fill([host.url], itemsFor(1, store === 'memory' ? MEMORY_ITEMS_PER_SECOND : ITEMS_PER_SECOND));
    progress(`${store}: leases and heartbeats`);
    const held = Array.from({ length: CLIENTS }, (): Grant[] => []);
    const seen = new Map<number, number>();
    const leases = await lease([host.url], held, seen);
    const heartbeats = await heartbeat(host.url, held);
    return { enqueue, leases, heartbeats, leasedTwice: [...seen.values()].filter((n) => n > 1).length };
  } finally {
    await host.stop();
  }
}

/** A figure and the raw etcd figure measured just before it. */
interface Paired {
  readonly raw: LoadFigure;
  readonly value: LoadFigure;
}

/** Each field's median over the runs. */
function medianFigure(figures: readonly LoadFigure[]): LoadFigure {
  const pick = (f: (figure: LoadFigure) => number): number => median(figures.map(f));
  return { perSecond: pick((f) => f.perSecond), p50Ms: pick((f) => f.p50Ms), p99Ms: pick((f) => f.p99Ms), count: pick((f) => f.count) };
}

/** The median of paired rounds: rates, p99 and the ratio of each round to its own raw neighbour. */
function pairedMedian(rounds: readonly Paired[]): { raw: LoadFigure; value: LoadFigure; ratio: number } {
  return {
    raw: medianFigure(rounds.map((p) => p.raw)),
    value: medianFigure(rounds.map((p) => p.value)),
    ratio: median(rounds.map((p) => p.value.perSecond / p.raw.perSecond)),
  };
}

/**
 * The dispatcher on etcd, alternating with raw etcd round by round (raw, leases, raw, leases, ..., then
 * raw, heartbeats, ...): on a shared machine the load moves within seconds, and a ratio is only
 * meaningful between neighbours in time.
 */
async function etcdRounds(
  endpoints: string,
): Promise<{ enqueue: LoadFigure; leases: Paired[]; heartbeats: Paired[]; leasedTwice: number; calls: { raw: CallsPer[]; leases: CallsPer[]; heartbeats: CallsPer[] } }> {
  const host = await dispatcher('bench-etcd', 'etcd', endpoints, '/bench-one/');
  try {
    const enqueue = await fill([host.url], itemsFor(ROUNDS));
    const held = Array.from({ length: CLIENTS }, (): Grant[] => []);
    const seen = new Map<number, number>();
    const leases: Paired[] = [];
    const heartbeats: Paired[] = [];
    const calls = { raw: [] as CallsPer[], leases: [] as CallsPer[], heartbeats: [] as CallsPer[] };
    const rawRun = async (): Promise<LoadFigure> => {
      const { figure, per } = await counted(endpoints, [], () => raw(endpoints));
      calls.raw.push(per);
      return figure;
    };
    for (let round = 0; round < ROUNDS; round++) {
      progress(`etcd: raw and leases, round ${round + 1}`);
      const rawFigure = await rawRun();
      const { figure, per } = await counted(endpoints, [host], () => lease([host.url], held, seen));
      leases.push({ raw: rawFigure, value: figure });
      calls.leases.push(per);
    }
    for (let round = 0; round < ROUNDS; round++) {
      progress(`etcd: raw and heartbeats, round ${round + 1}`);
      const rawFigure = await rawRun();
      const { figure, per } = await counted(endpoints, [host], () => heartbeat(host.url, held));
      heartbeats.push({ raw: rawFigure, value: figure });
      calls.heartbeats.push(per);
    }
    return { enqueue, leases, heartbeats, leasedTwice: [...seen.values()].filter((n) => n > 1).length, calls };
  } finally {
    await host.stop();
  }
}

/** One lease load of `size` fresh dispatchers on their own prefix (filled first): rate, CPU, and sequence ids granted twice. */
async function dispatchersRun(endpoints: string, size: number, prefix: string): Promise<{ leases: LoadFigure; leasedTwice: number; granted: number; per: CallsPer }> {
  const hosts = await Promise.all(Array.from({ length: size }, (_, i) => dispatcher(`bench-${size}-${i}`, 'etcd', endpoints, prefix)));
  try {
    const urls = hosts.map((h) => h.url);
    await fill(urls, itemsFor(1));
    progress(`${size} dispatcher(s): leases`);
    const seen = new Map<number, number>();
    const { figure: leases, per } = await counted(endpoints, hosts, () => lease(urls, Array.from({ length: CLIENTS }, (): Grant[] => []), seen));
    return { leases, leasedTwice: [...seen.values()].filter((n) => n > 1).length, granted: seen.size, per };
  } finally {
    await Promise.all(hosts.map((h) => h.stop()));
  }
}

/**
 * Three dispatchers against one, side by side: ROUNDS pairs, each a fresh dispatcher and then three
 * fresh ones (the order swapped every other round, against drift), each on its own new prefix filled
 * alike, with nothing else running. Each round's ratio is the three's rate over the one's.
 */
async function threeAgainstOne(endpoints: string): Promise<{ one: LoadFigure[]; three: LoadFigure[]; ratios: number[]; leasedTwice: number; granted: number; per: { one: CallsPer[]; three: CallsPer[] } }> {
  const result = { one: [] as LoadFigure[], three: [] as LoadFigure[], ratios: [] as number[], leasedTwice: 0, granted: 0, per: { one: [] as CallsPer[], three: [] as CallsPer[] } };
  for (let round = 0; round < ROUNDS; round++) {
    progress(`one against three dispatchers, round ${round + 1}`);
    const sizes = round % 2 === 0 ? [1, 3] : [3, 1];
    const figures = new Map<number, LoadFigure>();
    for (const size of sizes) {
      const run = await dispatchersRun(endpoints, size, `/bench-pair-${round}-${size}/`);
      figures.set(size, run.leases);
      (size === 1 ? result.per.one : result.per.three).push(run.per);
      result.leasedTwice += run.leasedTwice;
      if (size === 3) result.granted += run.granted;
    }
    const one = figures.get(1);
    const three = figures.get(3);
    if (one === undefined || three === undefined) throw new Error('a round of one against three dispatchers is missing a run');
    result.one.push(one);
    result.three.push(three);
    result.ratios.push(three.perSecond / one.perSecond);
  }
  return result;
}

const fmt = (n: number): string => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1));
const row = (name: string, f: LoadFigure, rawRate: number): string =>
  `${name.padEnd(34)} ${fmt(f.perSecond).padStart(8)} /s  x${(f.perSecond / rawRate).toFixed(2).padEnd(5)} p50 ${fmt(f.p50Ms).padStart(6)} ms  p99 ${fmt(f.p99Ms).padStart(6)} ms`;

async function main(): Promise<void> {
  const etcd = await startEtcdCluster({ size: 1 });
  etcdPids = etcd.members.flatMap((member) => member.pid() ?? []);
  try {
    const onEtcd = await etcdRounds(etcd.endpoints);
    const pairs = await threeAgainstOne(etcd.endpoints);
    const onMemory = await storeRun('memory', etcd.endpoints, '/bench-memory/');
    const leases = pairedMedian(onEtcd.leases);
    const heartbeats = pairedMedian(onEtcd.heartbeats);
    const rawRate = median([...onEtcd.leases, ...onEtcd.heartbeats].map((p) => p.raw.perSecond));
    const rawFigure = pairedMedian([...onEtcd.leases, ...onEtcd.heartbeats]).raw;
    console.log(`\n${CLIENTS} clients, ${SECONDS} s per load; etcd rows: median of ${ROUNDS} rounds, each ratio to the raw run just before it`);
    for (const [i, p] of onEtcd.leases.entries()) console.log(`  round ${i + 1}: raw ${fmt(p.raw.perSecond)} /s, leases ${fmt(p.value.perSecond)} /s (x${(p.value.perSecond / p.raw.perSecond).toFixed(2)})`);
    for (const [i, p] of onEtcd.heartbeats.entries()) {
      console.log(`  round ${i + 1}: raw ${fmt(p.raw.perSecond)} /s, heartbeats ${fmt(p.value.perSecond)} /s (x${(p.value.perSecond / p.raw.perSecond).toFixed(2)})`);
    }
    console.log(row('raw etcd compare-and-put', rawFigure, rawRate));
    console.log(`${row('dispatcher on etcd: leases', leases.value, leases.raw.perSecond)}  (median ratio x${leases.ratio.toFixed(2)})`);
    console.log(`${row('dispatcher on etcd: heartbeats', heartbeats.value, heartbeats.raw.perSecond)}  (median ratio x${heartbeats.ratio.toFixed(2)})`);
    console.log(row('dispatcher on etcd: enqueue', onEtcd.enqueue, rawRate));
    const threeRatio = median(pairs.ratios);
    for (const [i, ratio] of pairs.ratios.entries()) {
      console.log(`  round ${i + 1}: one dispatcher ${fmt(pairs.one[i]?.perSecond ?? 0)} /s, three dispatchers ${fmt(pairs.three[i]?.perSecond ?? 0)} /s (x${ratio.toFixed(2)})`);
    }
    const one = medianFigure(pairs.one);
    const three = medianFigure(pairs.three);
    console.log(row('one dispatcher, fresh (median)', one, rawRate));
    console.log(`${row('three dispatchers, fresh (median)', three, rawRate)}  (median ratio to one x${threeRatio.toFixed(2)})`);
    console.log(row('dispatcher on memory: enqueue', onMemory.enqueue, rawRate));
    console.log(row('dispatcher on memory: leases', onMemory.leases, rawRate));
    console.log(row('dispatcher on memory: heartbeats', onMemory.heartbeats, rawRate));
    const calls = (what: string, list: readonly CallsPer[]): string =>
      `${what} ${list.map((c) => `${c.txn.toFixed(3)} txn + ${c.range.toFixed(3)} range`).join(', ')}`;
    console.log(`etcd calls per grant: ${calls('leases', onEtcd.calls.leases)}; ${calls('heartbeats', onEtcd.calls.heartbeats)}; ${calls('one dispatcher (paired)', pairs.per.one)}; ${calls('three dispatchers (paired)', pairs.per.three)}`);
    const cpu = (what: string, list: readonly CallsPer[]): string =>
      `  ${what.padEnd(18)} ${list.map(({ cpu: c }) => `${fmt(c.etcd)} / ${fmt(c.dispatchers)} / ${fmt(c.clients)}`).join(',  ')}`;
    const loads = [['raw', onEtcd.calls.raw], ['leases', onEtcd.calls.leases], ['heartbeats', onEtcd.calls.heartbeats], ['one (paired)', pairs.per.one], ['three (paired)', pairs.per.three]] as const;
    console.log(`CPU µs per grant (etcd / dispatchers / the ${CLIENTS} clients), each round:`);
    for (const [what, list] of loads) console.log(cpu(what, list));
    console.log('preemptions per grant (etcd / dispatchers), each round:');
    for (const [what, list] of loads) {
      console.log(`  ${what.padEnd(18)} ${list.map(({ preempted: p }) => `${p.etcd.toFixed(2)} / ${p.dispatchers.toFixed(2)}`).join(',  ')}`);
    }
    console.log(`leased twice: one dispatcher ${onEtcd.leasedTwice}, the paired rounds ${pairs.leasedTwice} (the three dispatchers granted ${pairs.granted})`);
    const base = { peers: CLIENTS, baseline: rawRate };
    record({ ...base, name: 'etcd raw compare-and-put', value: rawFigure.perSecond, unit: 'txn/s', baseline: null, ratio: null, target: 'reference', met: null, note: `p99 ${fmt(rawFigure.p99Ms)} ms` });
    record({ ...base, name: 'etcd dispatcher leases', value: leases.value.perSecond, unit: 'leases/s', ratio: leases.ratio, target: '>= x0.25 of raw', met: leases.ratio >= 0.25 });
    record({ ...base, name: 'etcd dispatcher lease p99', value: leases.value.p99Ms, unit: 'ms', baseline: null, ratio: null, target: '<= 50 ms', met: leases.value.p99Ms <= 50 });
    record({ ...base, name: 'etcd dispatcher heartbeats', value: heartbeats.value.perSecond, unit: 'heartbeats/s', ratio: heartbeats.ratio, target: '>= x0.5 of raw', met: heartbeats.ratio >= 0.5 });
    // Against one fresh dispatcher in the same round: the median of the rounds' ratios.
    record({
      ...base,
      name: 'etcd three dispatchers leases',
      value: three.perSecond,
      unit: 'leases/s',
      baseline: one.perSecond,
      ratio: threeRatio,
      target: '>= one dispatcher, none leased twice',
      met: threeRatio >= 1 && pairs.leasedTwice === 0 && onEtcd.leasedTwice === 0,
    });
  } finally {
    await etcd.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
