// 13. producers: recording from worker threads at 100,000 peers. Side by side, alternating round by
// round: the mixed event stream through bound recorders on the main thread alone (applied in
// setImmediate slices of at most 4 ms, as the tracker applies producer channels, so that the loop is
// measured the same way), then through one
// producer thread, then through two (each over half of the peers). Events per second applied by the
// tracker, and the main loop's p99 delay (perf_hooks.monitorEventLoopDelay) while they are applied.
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { PeerLeaseHealthTracker, type PeerHealthProducerHandle, type PeerRecorder } from '@omnirelay/peer-health';
import { connectPeerHealthProducer } from '@omnirelay/peer-health/producer';
import { statCpuMicros } from './support/proc-usage';
import { alternate, record, spreadFields } from './support/results';
import { applyRecorders, leaseOf, mixedEvents, Op, peerIdOf, populate } from './support/workload';

const PEERS = 100_000;
const EVENTS = 1_000_000;
const ROUNDS = 3;
/** The main thread alone yields as the tracker's producer slices do: every PRODUCER_SLICE_MS, checked every 256 events. */
const SLICE_MS = 4;
const SLICE_CHECK = 256;

interface Run {
  readonly rate: number;
  readonly p99Ms: number;
  readonly waits: number;
  /** CPU time of the whole process over wall time: the cores it actually got (at most 1 for the main thread alone). */
  readonly cores: number;
  /** CPU time of the main thread (the tracker's) per event applied, in µs: what the load changes least. */
  readonly mainUs: number;
}

/** CPU ms of this process's main thread so far (Linux /proc, 10 ms ticks); NaN elsewhere. */
function mainThreadCpuMs(): number {
  return (statCpuMicros(`/proc/self/task/${process.pid}/stat`) ?? Number.NaN) / 1000;
}

/** Starts a wall and CPU clock; the answer gives seconds elapsed and the cores used meanwhile. */
function stopwatch(): () => { seconds: number; cores: number; mainMs: number } {
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const main = mainThreadCpuMs();
  return () => {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const used = process.cpuUsage(cpu);
    return { seconds, cores: (used.user + used.system) / 1e6 / seconds, mainMs: mainThreadCpuMs() - main };
  };
}

interface ProducerJob {
  readonly handle: PeerHealthProducerHandle;
  /** Set: record everything at once, publish, then raise this flag (the main thread blocks until it is raised). */
  readonly filled?: SharedArrayBuffer;
  readonly offset: number;
  readonly peers: number;
  readonly events: number;
  readonly seed: number;
}

/** The worker: replays a mixed stream over peers offset..offset+peers through the producer's recorders. */
function producerThread(job: ProducerJob): void {
  const producer = connectPeerHealthProducer(job.handle, { maxWaitMs: 60_000 });
  const stream = mixedEvents(job.peers, job.events, job.seed);
  const recorders = Array.from({ length: job.peers }, (_, i) => producer.peer(peerIdOf(job.offset + i)));
  const handles = Array.from({ length: job.peers }, (_, i) => leaseOf(job.offset + i + 1));
  const zones = ['a', 'b', 'c'].map((zone) => ({ 'label.zone': zone }));
  const run = (): void => {
    const { ops, peers, args, extraHandles } = stream;
    for (let n = 0; n < stream.count; n++) {
      const i = peers[n] ?? 0;
      const recorder = recorders[i];
      if (!recorder) continue;
      switch (ops[n]) {
        case Op.Heartbeat:
          recorder.heartbeat(handles[i], args[n]);
          break;
        case Op.Assignment: {
          const handle = extraHandles[n];
          if (handle) recorder.assign(handle, 'invoice', 'inv');
          break;
        }
        case Op.Release: {
          const handle = extraHandles[n];
          if (handle) recorder.release(handle, args[n] === 1);
          break;
        }
        case Op.Gossip:
          recorder.gossip(zones[args[n] ?? 0] ?? {});
          break;
        case Op.Disconnect:
          recorder.disconnect('connection-reset');
          break;
      }
    }
    const flushed = producer.flush(); // publishes at once, then waits for the tracker
    if (job.filled) {
      const flag = new Int32Array(job.filled);
      Atomics.store(flag, 0, 1);
      Atomics.notify(flag, 0);
    }
    void flushed.then(() => {
      producer.close();
      parentPort?.postMessage('done');
    });
  };
  if (job.filled) run();
  else {
    parentPort?.once('message', run);
    parentPort?.postMessage('ready');
  }
}

function message(worker: Worker): Promise<unknown> {
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

/** `threads` producer threads over the peers split between them; the loop's delay while applied. */
async function throughProducers(tracker: PeerLeaseHealthTracker, threads: number, round: number): Promise<Run> {
  const share = PEERS / threads;
  const channels = Array.from({ length: threads }, () => tracker.openProducerChannel());
  const workers = channels.map((channel, k) => {
    const job: ProducerJob = { handle: channel.handle, offset: k * share, peers: share, events: EVENTS / threads, seed: 100 * round + k };
    return new Worker(__filename, { workerData: job, transferList: [channel.handle.port] });
  });
  await Promise.all(workers.map(message));
  const delay = monitorEventLoopDelay({ resolution: 1 });
  const done = Promise.all(workers.map(message));
  delay.enable();
  const stop = stopwatch();
  for (const worker of workers) worker.postMessage('go');
  await done;
  const { seconds, cores, mainMs } = stop();
  delay.disable();
  await Promise.all(workers.map((worker) => worker.terminate()));
  const applied = channels.reduce((sum, channel) => sum + channel.eventsApplied, 0);
  if (applied < EVENTS * 0.99) throw new Error(`only ${applied} of ${EVENTS} events applied`);
  const waits = channels.reduce((sum, channel) => sum + channel.waits, 0);
  return { rate: applied / seconds, p99Ms: delay.percentile(99) / 1e6, waits, cores, mainUs: (mainMs * 1000) / applied };
}

/**
 * The tracker's side alone: one producer fills a ring large enough for the whole stream while this
 * thread is blocked, then this thread applies it. The rate of applying, set against the main-thread
 * recorders', is what the tracker's thread costs per event whatever the CPU the producers get.
 */
async function applyingFilledRing(tracker: PeerLeaseHealthTracker, round: number): Promise<Run> {
  const channel = tracker.openProducerChannel({ capacityBytes: 1 << 26 });
  const filled = new SharedArrayBuffer(4);
  const job: ProducerJob = { handle: channel.handle, filled, offset: 0, peers: PEERS, events: EVENTS, seed: 100 * round + 7 };
  const worker = new Worker(__filename, { workerData: job, transferList: [channel.handle.port] });
  const done = message(worker);
  Atomics.wait(new Int32Array(filled), 0, 0, 600_000);
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const stop = stopwatch();
  await done;
  const { seconds, cores, mainMs } = stop();
  delay.disable();
  await worker.terminate();
  return { rate: channel.eventsApplied / seconds, p99Ms: delay.percentile(99) / 1e6, waits: channel.waits, cores, mainUs: (mainMs * 1000) / channel.eventsApplied };
}

/** The main thread alone: the same stream through its recorders, in slices of SLICE_MS. */
async function onMainThread(recorders: readonly PeerRecorder[], round: number): Promise<Run> {
  const stream = mixedEvents(PEERS, EVENTS, 100 * round);
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const stop = stopwatch();
  for (let from = 0; from < stream.count; ) {
    const deadline = performance.now() + SLICE_MS;
    do {
      applyRecorders(recorders, stream, from, Math.min(stream.count, from + SLICE_CHECK));
      from += SLICE_CHECK;
    } while (from < stream.count && performance.now() < deadline);
    await new Promise((resolve) => setImmediate(resolve));
  }
  const { seconds, cores, mainMs } = stop();
  delay.disable();
  return { rate: stream.count / seconds, p99Ms: delay.percentile(99) / 1e6, waits: 0, cores, mainUs: (mainMs * 1000) / stream.count };
}

async function main(): Promise<void> {
  // Quiet: on a loaded machine, peers of a long run flap, and the log line is not the subject here.
  const tracker = new PeerLeaseHealthTracker({ heartbeatGracePeriodMs: 30_000, logger: { warn: () => undefined, error: () => undefined } });
  populate(tracker, PEERS);
  const recorders = Array.from({ length: PEERS }, (_, i) => tracker.peer(peerIdOf(i)));
  let round = 0;
  const delays: Record<'main' | 'filled' | 'one' | 'two', number[]> = { main: [], filled: [], one: [], two: [] };
  const cores: Record<'main' | 'filled' | 'one' | 'two', number[]> = { main: [], filled: [], one: [], two: [] };
  const waits: Record<'one' | 'two', number[]> = { one: [], two: [] };
  const mainUs: Record<'main' | 'filled' | 'one' | 'two', number[]> = { main: [], filled: [], one: [], two: [] };
  const runs = await alternate(ROUNDS, {
    main: async () => {
      const run = await onMainThread(recorders, ++round);
      delays.main.push(run.p99Ms);
      cores.main.push(run.cores);
      mainUs.main.push(run.mainUs);
      return run.rate;
    },
    filled: async () => {
      const run = await applyingFilledRing(tracker, round);
      delays.filled.push(run.p99Ms);
      cores.filled.push(run.cores);
      mainUs.filled.push(run.mainUs);
      return run.rate;
    },
    one: async () => {
      const run = await throughProducers(tracker, 1, round);
      delays.one.push(run.p99Ms);
      cores.one.push(run.cores);
      mainUs.one.push(run.mainUs);
      waits.one.push(run.waits);
      return run.rate;
    },
    two: async () => {
      const run = await throughProducers(tracker, 2, round);
      delays.two.push(run.p99Ms);
      cores.two.push(run.cores);
      mainUs.two.push(run.mainUs);
      waits.two.push(run.waits);
      return run.rate;
    },
  });
  const worst = (values: readonly number[]): number => Math.max(...values);
  const list = (values: readonly number[]): string => values.map((v) => v.toFixed(v < 10 ? 2 : 1)).join(', ');
  record({
    name: 'producers-main-thread-recorders',
    peers: PEERS,
    value: runs.main.median,
    unit: 'events/s',
    baseline: null,
    ratio: null,
    target: '(reported: the baseline of the producer rows)',
    met: null,
    note: `main-thread recorders in setImmediate slices of ${SLICE_MS} ms; loop p99 ${list(delays.main)} ms; process cores used ${list(cores.main)}; main-thread CPU ${list(mainUs.main)} µs/event`,
    ...spreadFields(runs.main),
  });
  record({
    name: 'producers-tracker-side',
    peers: PEERS,
    value: runs.filled.median,
    unit: 'events/s',
    baseline: runs.main.median,
    ratio: runs.filled.median / runs.main.median,
    target: '(reported: >= 1x means two producers on free cores apply at least as fast as the main thread alone)',
    met: null,
    note: `the tracker applying a ring filled beforehand (64 MiB, 1,000,000 events); loop p99 ${list(delays.filled)} ms; process cores used ${list(cores.filled)}; main-thread CPU ${list(mainUs.filled)} µs/event`,
    ...spreadFields(runs.filled, runs.main),
  });
  record({
    name: 'producers-one-thread',
    peers: PEERS,
    value: runs.one.median,
    unit: 'events/s',
    baseline: runs.main.median,
    ratio: runs.one.median / runs.main.median,
    target: '(reported)',
    met: null,
    note: `loop p99 ${list(delays.one)} ms; producer waits ${waits.one.join(', ')}; process cores used ${list(cores.one)}; main-thread CPU ${list(mainUs.one)} µs/event`,
    ...spreadFields(runs.one, runs.main),
  });
  const twoRatio = runs.two.median / runs.main.median;
  record({
    name: 'producers-two-threads',
    peers: PEERS,
    value: runs.two.median,
    unit: 'events/s',
    baseline: runs.main.median,
    ratio: twoRatio,
    target: '>= 1x main-thread recorders, loop p99 < 20 ms',
    met: twoRatio >= 1 && worst(delays.two) < 20,
    note: `loop p99 ${list(delays.two)} ms; producer waits ${waits.two.join(', ')}; process cores used ${list(cores.two)}; main-thread CPU ${list(mainUs.two)} µs/event`,
    ...spreadFields(runs.two, runs.main),
  });
  record({
    name: 'producers-two-threads-loop-p99',
    peers: PEERS,
    value: worst(delays.two),
    unit: 'ms',
    baseline: null,
    ratio: null,
    target: '< 20 ms while applying',
    met: worst(delays.two) < 20,
    note: 'the worst of the rounds',
  });
  tracker.dispose();
}

if (isMainThread) void main();
else producerThread(workerData as ProducerJob);
