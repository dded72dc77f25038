// Convergence of the gossip mesh at 50, 200 and 1,000 members, on a virtual clock (bench/support/
// simulated-mesh.ts): how fast a join spreads, how fast a crash is seen by everyone, how fast the
// embedded leadership fails over, and what gossip costs in bytes. Run alone: npm run bench:convergence
// (or node dist/bench/convergence.bench.js 50,200 to pick sizes).
import { spawn } from 'node:child_process';
import { cpus } from 'node:os';
import type { GossipRoundTiming } from '@omnirelay/mesh-gossip';
import { median, percentile, record, type BenchResult } from './support/results';
import { SimulatedMesh, type SimulatedMember, type SimulatedMeshOptions } from './support/simulated-mesh';
import type { NetworkConditions } from './support/simulated-network';

/** The service's defaults: what a host runs unless told otherwise. */
const TIMING: GossipRoundTiming = { roundIntervalMs: 1000, fanout: 3, suspicionTimeoutMs: 5000, forgetAfterMs: 600_000 };
/** A datacentre-ish network: median 10 ms one way, most delays 5-20 ms, 1% of messages lost. */
const NETWORK: NetworkConditions = { latencyMedianMs: 10, latencySigma: 0.4, loss: 0.01 };
/**
 * Samples per size, each a fresh seeded mesh: joins (the first after a 60 s steady state, which gives
 * the traffic figures and shows false suspicions), leader crashes, and crashes under the demo host's
 * shorter suspicion timeout. 1,000 runs as two processes (joins, crashes) beside 50 and 200.
 * `--members 5000` (or `5000` as the size list) measures 5,000 members: a join and a crash of the
 * leader at the same instant in one mesh (`together`: a mesh of 5,000 holds 25 million member
 * records and costs minutes of CPU per virtual second), slow.
 */
const UNTIL_FAILOVER = process.argv.includes('--until-failover');
const PLAN: ReadonlyArray<{ size: number; joins: number; crashes: number; tuned: number; onDemand?: true; together?: true }> = [
  { size: 50, joins: 20, crashes: 5, tuned: 3 },
  { size: 200, joins: 10, crashes: 3, tuned: 2 },
  { size: 1000, joins: 3, crashes: 3, tuned: 0 },
  { size: 5000, joins: 1, crashes: 1, tuned: 0, onDemand: true, together: true },
];
/**
 * Virtual ms of steady state before the first sample of each size: its traffic and false suspicions
 * are reported (`--steady-ms` to shorten it on a busy machine).
 */
const steadyAt = process.argv.indexOf('--steady-ms');
const STEADY_MS = steadyAt > 0 ? Number(process.argv[steadyAt + 1]) : 60_000;
const JOIN_CAP_MS = 120_000;
const WARM_UP_MS = 2 * TIMING.roundIntervalMs;
/** The seed system's targets. */
const TARGET_JOIN_95_MS = 2000;
const TARGET_FAILOVER_MS = 5000;
const TARGET_DEAD_MS = 10_000;

/**
 * The demo host's suspicion timeout (--suspicion-timeout-ms, 3000), shorter than the library's 5000:
 * failover is measured with both.
 */
const TUNED_SUSPICION_MS = 3000;

/** How a crashed leader looks to its peers: `--refused` measures a killed process on a live host; default a host gone silent. */
const CRASH: 'silent' | 'refused' = process.argv.includes('--refused') ? 'refused' : 'silent';

/** The host's default --gossip-max-members; a larger mesh runs with twice its size, as its operator would set. */
const DEFAULT_MAX_MEMBERS = 4096;

const options = (seed: number, size: number, suspicionTimeoutMs = TIMING.suspicionTimeoutMs): SimulatedMeshOptions => ({
  seed,
  timing: { ...TIMING, suspicionTimeoutMs },
  network: NETWORK,
  signed: true,
  crash: CRASH,
  ...(size >= DEFAULT_MAX_MEMBERS ? { maxMembers: 2 * size } : {}),
});

/** What one sample measured; NaN where it was not asked for or did not happen within the cap. */
interface Sample {
  /** ms until a join reached 50%, 95% and 100% of the other members. */
  readonly reach50: number;
  readonly reach95: number;
  readonly reach100: number;
  /** ms from the leader's crash to every other established member agreeing on one new leader. */
  readonly failover: number;
  /** ms from the crash to every other established member marking the leader dead. */
  readonly deadEverywhere: number;
  /** The suspicion timeout the members applied (suspect to dead), and the silence they allow before suspecting on their own (stretched by the digest's windows). */
  readonly appliedSuspicionMs: number;
  readonly silenceMs: number;
  readonly bytesPerMemberPerSecond: number;
  readonly messagesPerMemberPerSecond: number;
  readonly meanMessageBytes: number;
  readonly refused: number;
  /** Suspicions of members that were running (each observer counted), and the virtual ms the mesh ran. */
  readonly falseSuspicions: number;
  readonly virtualMs: number;
  /** Probe requests (SWIM ping-req) sent per member per second in the traffic window. */
  readonly probesPerMemberPerSecond: number;
}

/**
 * One fresh seeded mesh of `size` members (with `join`, size - 1 settled members and a newcomer):
 * a warm-up, a window of steady-state traffic, then a join, a crash of the global leader, or both at
 * the same instant (at 1,000 members, where every virtual second costs many seconds of CPU).
 */
function measure(size: number, seed: number, wants: { readonly join: boolean; readonly crash: boolean; readonly trafficMs: number; readonly suspicionMs?: number }): Sample {
  const startedCpu = process.cpuUsage();
  // Large meshes take long: where a sample is, on stderr.
  const trace = (what: string): void => {
    if (size <= 1000) return;
    const cpu = process.cpuUsage(startedCpu);
    process.stderr.write(`convergence ${size}: ${what} (${((cpu.user + cpu.system) / 1e6).toFixed(0)} s CPU, ${(process.memoryUsage().rss / 2 ** 30).toFixed(1)} GiB)\n`);
  };
  const mesh = SimulatedMesh.settled(wants.join ? size - 1 : size, options(seed, size, wants.suspicionMs));
  trace('settled');
  mesh.runFor(WARM_UP_MS);
  trace('warmed up');
  mesh.resetTraffic();
  mesh.runFor(wants.trafficMs);
  trace('steady state measured');
  const { bytes, messages, probes } = mesh.traffic;
  const members = mesh.live().length;
  const seconds = wants.trafficMs / 1000;

  const established = mesh.live();
  let victim: SimulatedMember | undefined;
  if (wants.crash) {
    mesh.trackLeadership();
    const leaderId = established[0] ? mesh.leaderOf(established[0], 'global') : undefined;
    victim = established.find((member) => member.nodeId === leaderId);
    if (!victim || !established.every((member) => mesh.leaderOf(member, 'global') === leaderId)) {
      throw new Error(`mesh of ${size} has no agreed leader before the crash`);
    }
    trace(`every member elects ${victim.nodeId}; crashing it`);
  }
  const startedAt = mesh.now;
  const joiner = wants.join ? mesh.join() : undefined;
  if (victim) mesh.kill(victim);
  const survivors = established.filter((member) => member !== victim);

  const reached: number[] = [];
  const knows = new Set<SimulatedMember>();
  const deadAt = new Map<SimulatedMember, number>();
  const crashed = victim?.nodeId;
  let failoverAt: number | undefined;
  mesh.onChanges = (observer, changes, now) => {
    for (const change of changes) {
      const { nodeId } = change.info;
      if (joiner && nodeId === joiner.nodeId && observer !== joiner && !knows.has(observer)) {
        knows.add(observer);
        reached.push(now - startedAt);
      }
      if (nodeId === crashed && observer !== joiner) {
        if (change.state === 'dead') deadAt.set(observer, now);
        else deadAt.delete(observer);
      }
    }
  };
  mesh.onLeader = (observer, scope, _leaderId, now) => {
    if (scope !== 'global' || observer === joiner) return;
    const first = survivors[0] ? mesh.leaderOf(survivors[0], scope) : undefined;
    const agreed = first !== undefined && first !== crashed && survivors.every((member) => mesh.leaderOf(member, scope) === first);
    failoverAt = agreed ? now : undefined;
  };
  // The members that can learn of the join: not the joiner, nor a member crashed at the same instant.
  const others = joiner ? mesh.all().length - 1 - (victim ? 1 : 0) : 0;
  const joinDone = (): boolean => reached.length >= others;
  const crashDone = (): boolean => !victim || (failoverAt !== undefined && (UNTIL_FAILOVER || deadAt.size === survivors.length));
  const appliedSuspicionMs = wants.suspicionMs ?? TIMING.suspicionTimeoutMs;
  const silenceMs = (survivors[0] ?? established[0])?.protocol.silenceTimeoutMs(appliedSuspicionMs, TIMING.roundIntervalMs) ?? Number.NaN;
  let step = 0;
  const cap = victim ? 4 * appliedSuspicionMs + 30_000 : JOIN_CAP_MS;
  while (!(joinDone() && crashDone()) && mesh.now - startedAt < cap) {
    mesh.runFor(Math.min(1000, cap - (mesh.now - startedAt)), () => joinDone() && crashDone());
    trace(`${++step} s after the event: join reached ${reached.length} of ${others}, ${deadAt.size} of ${survivors.length} mark the crash dead, failover ${failoverAt === undefined ? 'open' : 'agreed'}`);
  }
  const at = (fraction: number): number => (joiner ? (reached[Math.ceil(fraction * others) - 1] ?? Number.NaN) : Number.NaN);
  return {
    reach50: at(0.5),
    reach95: at(0.95),
    reach100: at(1),
    failover: victim && failoverAt !== undefined ? failoverAt - startedAt : Number.NaN,
    deadEverywhere: victim && deadAt.size === survivors.length ? Math.max(...deadAt.values()) - startedAt : Number.NaN,
    appliedSuspicionMs,
    silenceMs,
    bytesPerMemberPerSecond: seconds > 0 ? bytes / members / seconds : Number.NaN,
    messagesPerMemberPerSecond: seconds > 0 ? messages / members / seconds : Number.NaN,
    meanMessageBytes: bytes / Math.max(1, messages),
    refused: mesh.traffic.refused,
    falseSuspicions: mesh.suspicions.ofLive,
    virtualMs: mesh.now - startedAt + WARM_UP_MS + wants.trafficMs,
    probesPerMemberPerSecond: seconds > 0 ? probes / members / seconds : Number.NaN,
  };
}

/**
 * What one node spends on an election at `size` members, as the service does after every batch of
 * membership changes: its membership view (every member, sorted by id), then the election from it.
 * Mean of REPEAT of each, in ms of wall time, on one member's table (not a whole mesh).
 */
function electionCost(size: number): { viewMs: number; electMs: number } {
  const REPEAT = 20;
  const member = SimulatedMesh.oneSettledMember(size, options(1, size));
  const now = Date.UTC(2026, 0, 1);
  let views = 0;
  let elections = 0;
  for (let i = 0; i < REPEAT; i++) {
    const started = performance.now();
    const view = member.protocol.membership.view(now);
    const viewed = performance.now();
    member.leadership.update(view);
    elections += performance.now() - viewed;
    views += viewed - started;
  }
  return { viewMs: views / REPEAT, electMs: elections / REPEAT };
}

/** SWIM's estimate of dissemination: about log2(N) rounds of the gossip interval. */
const swimMs = (size: number): number => Math.ceil(Math.log2(size)) * TIMING.roundIntervalMs;

function row(name: string, size: number, value: number, unit: string, target: string, met: boolean | null, runs: readonly number[], baseline: number | null = null, note?: string): BenchResult {
  const finite = runs.filter(Number.isFinite);
  return {
    name,
    peers: size,
    value,
    unit,
    baseline,
    ratio: baseline === null || !Number.isFinite(value) || value === 0 ? null : baseline / value,
    target,
    met,
    ...(note ? { note } : {}),
    runs: runs.length,
    ...(finite.length > 0 ? { valueMin: Math.min(...finite), valueMax: Math.max(...finite) } : {}),
  };
}

/** Without an argument: one child process per size, side by side, 1,000 as two (joins, crashes): the longest. */
function spawnSizes(): void {
  const runs = PLAN.filter((plan) => !plan.onDemand).flatMap(({ size }) => (size >= 1000 ? [[String(size), '--part', 'joins'], [String(size), '--part', 'crashes']] : [[String(size)]]));
  const children = runs.map((args) => spawn(process.execPath, [...process.execArgv, __filename, ...args], { stdio: 'inherit' }));
  let failed = 0;
  let open = children.length;
  for (const child of children) {
    child.on('exit', (code) => {
      if (code !== 0) failed++;
      if (--open === 0) process.exitCode = failed > 0 ? 1 : 0;
    });
  }
}

function main(): void {
  const membersAt = process.argv.indexOf('--members');
  const sizes = membersAt > 0 ? process.argv[membersAt + 1] : process.argv[2];
  if (sizes === undefined || sizes.startsWith('--')) {
    spawnSizes();
    return;
  }
  const only = sizes.split(',').filter(Boolean).map(Number);
  // --part joins|crashes|tuned: one kind of sample only, so that one size can be spread over processes.
  const partAt = process.argv.indexOf('--part');
  const part = partAt > 0 ? process.argv[partAt + 1] : undefined;
  const wanted = (kind: string): boolean => part === undefined || part === kind;
  console.log(`convergence: ${cpus().length} cores; virtual clock, fan-out ${TIMING.fanout}, round ${TIMING.roundIntervalMs} ms, suspicion ${TIMING.suspicionTimeoutMs} ms, latency median ${NETWORK.latencyMedianMs} ms, loss ${NETWORK.loss * 100}%`);
  for (const plan of PLAN) {
    const { size } = plan;
    if (!only.includes(size)) continue;
    const joins = wanted('joins') ? plan.joins : 0;
    const crashes = wanted('crashes') ? plan.crashes : 0;
    const tuned = wanted('tuned') ? plan.tuned : 0;
    // Once per size (a size split over processes: in its joins part).
    if (size >= 1000 && wanted('joins')) {
      const cost = electionCost(size);
      const costNote = 'one node, after every batch of membership changes (the service re-elects on each); mean of 20';
      record(row('gossip membership view of one node (mean)', size, cost.viewMs, 'ms', 'reported', null, [cost.viewMs], null, costNote));
      record(row('gossip election from that view (mean)', size, cost.electMs, 'ms', 'reported', null, [cost.electMs], null, costNote));
    }
    const cpuStart = process.cpuUsage();
    const joinSamples: Sample[] = [];
    const crashSamples: Sample[] = [];
    // The 5,000-member run is too slow for a minute of steady state: a few rounds of it give its traffic.
    const steadyMs = size > 1000 ? 3 * TIMING.roundIntervalMs : STEADY_MS;
    if (plan.together && joins > 0 && crashes > 0) {
      const both = measure(size, 1000, { join: true, crash: true, trafficMs: steadyMs });
      joinSamples.push(both);
      crashSamples.push(both);
    } else {
      for (let i = 0; i < joins; i++) joinSamples.push(measure(size, 1000 + i, { join: true, crash: false, trafficMs: i === 0 ? steadyMs : 0 }));
      // A size split over processes (--part) measures its steady state once, in the joins part.
      const crashesSteadyMs = joins === 0 && part === undefined ? steadyMs : 0;
      for (let i = 0; i < crashes; i++) crashSamples.push(measure(size, 2000 + i, { join: false, crash: true, trafficMs: i === 0 ? crashesSteadyMs : 0 }));
    }
    const cpu = process.cpuUsage(cpuStart);
    const how = plan.together ? `${joins} join and ${crashes} leader crash at the same instant, in one seeded mesh` : `${joins} joins and ${crashes} leader crashes, each in a fresh seeded mesh`;
    const note = `${how}; ${((cpu.user + cpu.system) / 1e6).toFixed(0)} s CPU`;
    for (const [label, pick] of joinSamples.length === 0 ? [] : [
      ['50%', (s: Sample) => s.reach50],
      ['95%', (s: Sample) => s.reach95],
      ['100%', (s: Sample) => s.reach100],
    ] as const) {
      const runs = joinSamples.map(pick);
      const missing = runs.filter((value) => !Number.isFinite(value)).length;
      const reached = runs.filter(Number.isFinite);
      const targeted = label === '95%';
      const medianMs = missing * 2 > runs.length ? Number.NaN : median(runs.map((value) => (Number.isFinite(value) ? value : Number.POSITIVE_INFINITY)));
      const p99Ms = missing > 0 ? Number.NaN : percentile(reached, 99);
      const missNote = missing > 0 ? `; ${missing} of ${runs.length} joins did not reach ${label} within the cap` : '';
      record(row(`gossip join reaches ${label} (median)`, size, medianMs, 'ms', targeted ? '< 2,000 ms (seed system, 200 members)' : 'SWIM: log2(N) rounds', targeted ? medianMs < TARGET_JOIN_95_MS : null, runs, swimMs(size), note + missNote));
      record(row(`gossip join reaches ${label} (p99)`, size, p99Ms, 'ms', 'SWIM: log2(N) rounds', null, runs, swimMs(size), note + missNote));
    }
    const suspicion = [...joinSamples, ...crashSamples][0]?.appliedSuspicionMs ?? Number.NaN;
    const crashNote = CRASH === 'refused' ? '; crashed leader refuses connections (killed process)' : '; crashed leader silent (requests time out)';
    const silence = [...joinSamples, ...crashSamples][0]?.silenceMs ?? Number.NaN;
    if (wanted('joins')) record(row('gossip silence before a local suspicion', size, silence, 'ms', `the suspicion timeout (${TIMING.suspicionTimeoutMs} ms), stretched by the digest's windows (a backstop: probes find crashes)`, null, [silence]));
    if (crashSamples.length > 0) {
      const failover = crashSamples.map((s) => s.failover);
      const dead = crashSamples.map((s) => s.deadEverywhere);
      const suspicionNote = `${note}; applied suspicion timeout ${suspicion} ms${crashNote}`;
      record(row('gossip leader failover (median)', size, median(failover), 'ms', '< 5,000 ms (seed system)', median(failover) < TARGET_FAILOVER_MS, failover, suspicion, suspicionNote));
      const deadMet = dead.every((ms) => ms < TARGET_DEAD_MS);
      record(row('gossip crash seen dead by all (median)', size, median(dead), 'ms', '< 10,000 ms, every member, every sample', deadMet, dead, 2 * suspicion, suspicionNote));
    }
    if (tuned > 0) {
      const tunedSamples = Array.from({ length: tuned }, (_, i) => measure(size, 4000 + i, { join: false, crash: true, trafficMs: 0, suspicionMs: TUNED_SUSPICION_MS }));
      const tunedFailover = tunedSamples.map((s) => s.failover);
      const tunedNote = `${tuned} leader crashes, fresh seeded meshes, suspicion timeout ${TUNED_SUSPICION_MS} ms${crashNote}`;
      crashSamples.push(...tunedSamples);
      record(row(`gossip leader failover, suspicion ${TUNED_SUSPICION_MS} ms (median)`, size, median(tunedFailover), 'ms', '< 5,000 ms (seed system)', median(tunedFailover) < TARGET_FAILOVER_MS, tunedFailover, tunedSamples[0]?.appliedSuspicionMs ?? null, tunedNote));
      const tunedDead = tunedSamples.map((s) => s.deadEverywhere);
      record(row(`gossip crash seen dead by all, suspicion ${TUNED_SUSPICION_MS} ms (median)`, size, median(tunedDead), 'ms', '2 x applied suspicion + rounds', null, tunedDead, 2 * TUNED_SUSPICION_MS, tunedNote));
    }
    const all = [...new Set([...joinSamples, ...crashSamples])];
    const falseSuspicions = all.reduce((sum, s) => sum + s.falseSuspicions, 0);
    const virtualSeconds = all.reduce((sum, s) => sum + s.virtualMs, 0) / 1000;
    if (all.length > 0) {
      record(row('gossip false suspicions (all samples)', size, falseSuspicions, 'count', '0 at 1% loss', falseSuspicions === 0, all.map((s) => s.falseSuspicions), null, `${all.length} meshes, ${virtualSeconds.toFixed(0)} virtual seconds in all; a suspicion of a running member, counted per observer`));
    }
    const measured = all.filter((s) => Number.isFinite(s.bytesPerMemberPerSecond));
    const bytes = measured.map((s) => s.bytesPerMemberPerSecond);
    const refused = all.reduce((sum, s) => sum + s.refused, 0);
    const sizeNote = `${note}; ${median(measured.map((s) => s.messagesPerMemberPerSecond)).toFixed(1)} messages per member per second (${median(measured.map((s) => s.probesPerMemberPerSecond)).toFixed(2)} probe requests), ${Math.round(median(measured.map((s) => s.meanMessageBytes)))} B each (signed JSON bodies, HTTP headers not counted); ${refused} refused`;
    if (bytes.length > 0) record(row('gossip bytes sent per member per second', size, median(bytes), 'B/s', 'reported', null, bytes, null, sizeNote));
  }
}

main();
