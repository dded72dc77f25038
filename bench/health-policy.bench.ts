// 10. health policies: synthetic heartbeat traces (lognormal intervals around 1 s, GC-like stalls of
// 1-5 s, one peer that dies) replayed through the real tracker on a ManualClock, once per policy:
// false suspicions per peer-hour (healthy -> unhealthy of a live peer) and the time from the dead
// peer's last heartbeat to its transition (median and p99 over the seeds). Deterministic.
import { ManualClock, PeerLeaseHealthTracker, PhiAccrualPolicy, type PeerHealthPolicy } from '@omnirelay/peer-health';
import { heartbeatTrace, type HeartbeatTrace, type TraceShape } from './support/heartbeat-traces';
import { median, percentile, record } from './support/results';

const SEEDS = 20;
const SHAPE: TraceShape = {
  peers: 25,
  durationMs: 2 * 3_600_000,
  medianIntervalMs: 1000,
  logSigma: 0.25,
  stallsPerHour: 12,
  stallMinMs: 1000,
  stallMaxMs: 5000,
  deathWindowMs: [1_800_000, 5_400_000],
};
const T0 = Date.UTC(2026, 10, 24);

interface PolicyUnderTest {
  readonly label: string;
  readonly healthPolicy?: () => PeerHealthPolicy;
}

const POLICIES: readonly PolicyUnderTest[] = [
  { label: 'grace-30s' },
  { label: 'phi-8', healthPolicy: () => new PhiAccrualPolicy({ threshold: 8 }) },
  { label: 'phi-12', healthPolicy: () => new PhiAccrualPolicy({ threshold: 12 }) },
  { label: 'phi-8-pause-3s', healthPolicy: () => new PhiAccrualPolicy({ threshold: 8, acceptableHeartbeatPauseMs: 3000 }) },
  { label: 'phi-8-pause-5s', healthPolicy: () => new PhiAccrualPolicy({ threshold: 8, acceptableHeartbeatPauseMs: 5000 }) },
];

interface Replay {
  readonly falseSuspicions: number;
  readonly peerHours: number;
  /** ms from the dead peer's last heartbeat to its transition; NaN when never detected. */
  readonly detectionMs: number;
}

function replay(trace: HeartbeatTrace, policy: PolicyUnderTest): Replay {
  const clock = new ManualClock(T0);
  const healthPolicy = policy.healthPolicy?.();
  // Retention past the trace: nobody is forgotten, so every expiry is a transition we count.
  // Flapping warnings are expected here (that is what false suspicions look like): counted, not logged.
  const logger = { warn: () => undefined, error: (message: string) => console.error(message) };
  const tracker = new PeerLeaseHealthTracker({ clock, logger, retentionMs: Infinity, ...(healthPolicy ? { healthPolicy } : {}) });
  const ids = Array.from({ length: SHAPE.peers }, (_, i) => `peer-${i}`);
  const deadId = ids[trace.deadPeer];
  const deadLast = T0 + trace.deadPeerLastHeartbeat;
  let falseSuspicions = 0;
  let detectionMs = Number.NaN;
  tracker.onTransition((t) => {
    if (t.from !== 'healthy' || t.to !== 'unhealthy') return;
    if (t.peerId === deadId && t.at >= deadLast) {
      if (Number.isNaN(detectionMs)) detectionMs = t.at - deadLast;
    } else {
      falseSuspicions++;
    }
  });
  const recorders = ids.map((id) => tracker.peer(id));
  for (let i = 0; i < trace.times.length; i++) {
    clock.set(T0 + (trace.times[i] ?? 0));
    recorders[trace.peers[i] ?? 0]?.heartbeat();
  }
  clock.set(T0 + SHAPE.durationMs);
  tracker.dispose();
  const peerHours = ((SHAPE.peers - 1) * SHAPE.durationMs + trace.deadPeerLastHeartbeat) / 3_600_000;
  return { falseSuspicions, peerHours, detectionMs };
}

function main(): void {
  const traces = Array.from({ length: SEEDS }, (_, seed) => heartbeatTrace(SHAPE, 0x5eed + seed));
  const events = traces.reduce((n, t) => n + t.times.length, 0);
  const stalls = traces.reduce((n, t) => n + t.stalls, 0);
  console.log(`${SEEDS} traces, ${SHAPE.peers} peers x ${SHAPE.durationMs / 3_600_000} h each, ${events} heartbeats, ${stalls} stalls`);
  const shape = `${SEEDS} seeds x ${SHAPE.peers} peers x ${SHAPE.durationMs / 3_600_000} h, lognormal(median ${SHAPE.medianIntervalMs} ms, sigma ${SHAPE.logSigma}), ${SHAPE.stallsPerHour} stalls of ${SHAPE.stallMinMs / 1000}-${SHAPE.stallMaxMs / 1000} s per peer-hour`;
  for (const policy of POLICIES) {
    const replays = traces.map((trace) => replay(trace, policy));
    const suspicions = replays.reduce((n, r) => n + r.falseSuspicions, 0);
    const peerHours = replays.reduce((n, r) => n + r.peerHours, 0);
    const detections = replays.map((r) => r.detectionMs);
    const missed = detections.filter((d) => Number.isNaN(d)).length;
    const detected = detections.filter((d) => !Number.isNaN(d));
    record({
      name: `health-policy-false-suspicions-${policy.label}`,
      peers: SHAPE.peers,
      value: suspicions / peerHours,
      unit: 'per peer-hour',
      baseline: null,
      ratio: null,
      target: '(reported)',
      met: null,
      note: `${suspicions} false suspicions over ${peerHours.toFixed(0)} peer-hours; ${shape}`,
    });
    record({
      name: `health-policy-detection-${policy.label}`,
      peers: SHAPE.peers,
      value: median(detected),
      unit: 'ms (median)',
      baseline: null,
      ratio: null,
      target: '(reported)',
      met: missed === 0,
      note: `dead peer detected in ${detected.length}/${SEEDS} seeds; p99 ${percentile(detected, 99)} ms, min ${Math.min(...detected)} ms, max ${Math.max(...detected)} ms`,
      runs: SEEDS,
      valueMin: Math.min(...detected),
      valueMax: percentile(detected, 99),
    });
  }
}

main();
