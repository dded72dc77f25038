// Synthetic heartbeat traces for the health-policy bench: per peer, lognormal intervals around a
// median, GC-like stalls that delay a heartbeat by a few seconds at some rate, and one peer that
// dies part-way. Seeded (xoshiro128**), so every run replays the same traces.
import { Xoshiro128 } from './random';

export interface TraceShape {
  readonly peers: number;
  readonly durationMs: number;
  /** Median interval between two heartbeats of a healthy peer. */
  readonly medianIntervalMs: number;
  /** Sigma of the interval's logarithm (0.25: 90% of intervals within about x0.66..x1.5 of the median). */
  readonly logSigma: number;
  /** Mean number of stalls per peer-hour; a stall delays one heartbeat by a uniform [stallMinMs, stallMaxMs]. */
  readonly stallsPerHour: number;
  readonly stallMinMs: number;
  readonly stallMaxMs: number;
  /** The dead peer's last heartbeat falls uniformly within this span. */
  readonly deathWindowMs: readonly [number, number];
}

export interface HeartbeatTrace {
  /** Heartbeat times (ms from the start) and peer indexes, in time order. */
  readonly times: Float64Array;
  readonly peers: Int32Array;
  /** Index of the peer that dies, and the time of its last heartbeat. */
  readonly deadPeer: number;
  readonly deadPeerLastHeartbeat: number;
  /** Stalls injected, over all peers. */
  readonly stalls: number;
}

export function heartbeatTrace(shape: TraceShape, seed: number): HeartbeatTrace {
  const random = new Xoshiro128(seed);
  const uniform = (): number => (random.nextUint32() + 0.5) / 4294967296;
  // Box-Muller: one standard normal draw per call (the second one is discarded for simplicity).
  const normal = (): number => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const stallChance = (shape.stallsPerHour * shape.medianIntervalMs) / 3_600_000;
  const deadPeer = random.below(shape.peers);
  const [deathFrom, deathTo] = shape.deathWindowMs;
  const deathAt = deathFrom + uniform() * (deathTo - deathFrom);
  const events: Array<[number, number]> = [];
  let stalls = 0;
  let deadPeerLastHeartbeat = 0;
  for (let peer = 0; peer < shape.peers; peer++) {
    const end = peer === deadPeer ? deathAt : shape.durationMs;
    for (let t = uniform() * shape.medianIntervalMs; t < end; ) {
      const at = Math.round(t);
      events.push([at, peer]);
      if (peer === deadPeer) deadPeerLastHeartbeat = at;
      let interval = shape.medianIntervalMs * Math.exp(shape.logSigma * normal());
      if (uniform() < stallChance) {
        interval += shape.stallMinMs + uniform() * (shape.stallMaxMs - shape.stallMinMs);
        stalls++;
      }
      t += interval;
    }
  }
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return {
    times: Float64Array.from(events, (e) => e[0]),
    peers: Int32Array.from(events, (e) => e[1]),
    deadPeer,
    deadPeerLastHeartbeat,
    stalls,
  };
}
