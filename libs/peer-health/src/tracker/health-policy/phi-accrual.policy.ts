import { describeValue } from '../../base/errors/describe-value';
import { PeerHealthConfigurationError } from '../../base/errors/peer-health-configuration.error';
import { positiveIntegerOption, positiveNumberOption } from '../../base/option-checks';
import type { PeerHealthPolicy } from '../interfaces/peer-health-policy.interface';
import type { PhiAccrualPolicyOptions } from '../interfaces/phi-accrual-policy-options.interface';
import { HeartbeatIntervalWindow } from './heartbeat-interval-window';
import { phiOfStandardScore, standardScoreAtPhi } from './normal-tail';

const MAX_THRESHOLD = 100;
const MAX_WINDOW_SIZE = 10_000;

/**
 * What the phi accrual detector remembers of one peer (opaque): its last arrival and a fixed-size
 * window of its latest inter-arrival times. Create one with `PhiAccrualPolicy.createPeerHistory()`.
 */
export class PhiPeerHistory {
  /**
   * Time of the last sign of life; NaN before the first, and after a disconnect.
   * @internal
   */
  lastArrival = Number.NaN;
  /** @internal */
  readonly intervals: HeartbeatIntervalWindow;

  /** @internal */
  constructor(windowSize: number) {
    this.intervals = new HeartbeatIntervalWindow(windowSize);
  }
}

/**
 * The phi accrual failure detector (Hayashibara, Défago, Yared, Katayama, 2004). Instead of a fixed
 * grace period, it learns each peer's heartbeat rhythm (mean and standard deviation of its latest
 * inter-arrival times) and rates a silence of `t` ms by phi = -log10(1 - F(t)), F being the normal
 * distribution fitted to that rhythm; the peer turns unhealthy when phi exceeds the threshold.
 *
 * As F is normal, phi crosses the threshold at mean + pause + z * deviation after the last arrival,
 * where z depends on the threshold only: z is found once, here, and each arrival returns the
 * crossing time directly, so the tracker schedules it like any other deadline (no polling).
 */
export class PhiAccrualPolicy implements PeerHealthPolicy<PhiPeerHistory> {
  /** Always `phi-accrual`. */
  readonly name = 'phi-accrual';
  /** Suspicion level at which a peer turns unhealthy. */
  readonly threshold: number;
  /** Inter-arrival times remembered per peer. */
  readonly windowSize: number;
  /** Floor of the standard deviation, in ms. */
  readonly minStdDeviationMs: number;
  /** Silence tolerated on top of the mean, in ms. */
  readonly acceptableHeartbeatPauseMs: number;
  /** Interval assumed before the first one is known, in ms. */
  readonly firstHeartbeatEstimateMs: number;
  /** The standard score at which phi equals the threshold. */
  readonly thresholdScore: number;

  /** @throws PeerHealthConfigurationError naming the first option that cannot work. */
  constructor(options: PhiAccrualPolicyOptions = {}) {
    const given: unknown = options;
    if (typeof given !== 'object' || given === null) {
      throw new PeerHealthConfigurationError('healthPolicy', `PhiAccrualPolicy options must be an object, got ${describeValue(given)}.`);
    }
    this.threshold = positiveNumberOption('healthPolicy.threshold', options.threshold, 8);
    if (this.threshold > MAX_THRESHOLD) {
      throw new PeerHealthConfigurationError(
        'healthPolicy.threshold',
        `Option 'healthPolicy.threshold' must be at most ${MAX_THRESHOLD}, got ${this.threshold}.`,
      );
    }
    this.windowSize = positiveIntegerOption('healthPolicy.windowSize', options.windowSize, 100);
    if (this.windowSize < 2 || this.windowSize > MAX_WINDOW_SIZE) {
      throw new PeerHealthConfigurationError(
        'healthPolicy.windowSize',
        `Option 'healthPolicy.windowSize' must be an integer from 2 to ${MAX_WINDOW_SIZE}, got ${this.windowSize}.`,
      );
    }
    this.minStdDeviationMs = positiveNumberOption('healthPolicy.minStdDeviationMs', options.minStdDeviationMs, 100);
    const pause: unknown = options.acceptableHeartbeatPauseMs ?? 0;
    if (typeof pause !== 'number' || !Number.isFinite(pause) || pause < 0) {
      throw new PeerHealthConfigurationError(
        'healthPolicy.acceptableHeartbeatPauseMs',
        `Option 'healthPolicy.acceptableHeartbeatPauseMs' must be a finite number >= 0, got ${describeValue(pause)}.`,
      );
    }
    this.acceptableHeartbeatPauseMs = pause;
    this.firstHeartbeatEstimateMs = positiveNumberOption('healthPolicy.firstHeartbeatEstimateMs', options.firstHeartbeatEstimateMs, 1000);
    this.thresholdScore = standardScoreAtPhi(this.threshold);
  }

  /** An empty history; its window (one Float64Array of `windowSize`) is its only allocation. */
  createPeerHistory(): PhiPeerHistory {
    return new PhiPeerHistory(this.windowSize);
  }

  /** Learns the interval since the previous arrival and returns the new crossing time (see suspectedAfter). */
  recordArrival(history: PhiPeerHistory, now: number): number {
    const interval = now - history.lastArrival;
    // NaN (first arrival, or first after a disconnect) and clocks set backwards teach nothing.
    if (interval >= 0) history.intervals.add(interval);
    history.lastArrival = now;
    return this.suspectedAfter(history);
  }

  /** Forgets the last arrival, so that the outage is not learned as an interval. */
  recordDisconnect(history: PhiPeerHistory): void {
    // The silence until the peer's return is an outage, not an interval of its rhythm.
    history.lastArrival = Number.NaN;
  }

  /**
   * The last instant (whole ms) at which phi is still at most the threshold, given no further
   * arrival: healthy through it, unhealthy after it. Infinity before any arrival.
   */
  suspectedAfter(history: PhiPeerHistory): number {
    if (Number.isNaN(history.lastArrival)) return Infinity;
    return Math.floor(
      history.lastArrival + this.meanOf(history) + this.acceptableHeartbeatPauseMs + this.thresholdScore * this.deviationOf(history),
    );
  }

  /** phi at `now`: how unlikely the silence since the last arrival is, as -log10 of its probability. 0 before any arrival. */
  phi(history: PhiPeerHistory, now: number): number {
    if (Number.isNaN(history.lastArrival)) return 0;
    const late = now - history.lastArrival - this.meanOf(history) - this.acceptableHeartbeatPauseMs;
    return phiOfStandardScore(late / this.deviationOf(history));
  }

  /** The expected interval: the window's mean, or the first-heartbeat estimate while it is empty. */
  private meanOf(history: PhiPeerHistory): number {
    return history.intervals.size === 0 ? this.firstHeartbeatEstimateMs : history.intervals.mean();
  }

  /** The window's standard deviation (a quarter of the estimate while empty), never below the floor. */
  private deviationOf(history: PhiPeerHistory): number {
    const measured = history.intervals.size === 0 ? this.firstHeartbeatEstimateMs / 4 : history.intervals.standardDeviation();
    return Math.max(this.minStdDeviationMs, measured);
  }
}
