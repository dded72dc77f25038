/**
 * Options of `new PhiAccrualPolicy(options)`. Every option is optional and checked by the
 * constructor: a bad one throws a `PeerHealthConfigurationError` naming it (`healthPolicy.<option>`).
 */
export interface PhiAccrualPolicyOptions {
  /**
   * Suspicion level at which a peer turns unhealthy: phi = 8 means the silence so far would happen
   * with probability 10^-8 if the peer were alive. A positive number up to 100 (default 8).
   */
  readonly threshold?: number;
  /** How many of the latest inter-arrival times each peer remembers; an integer from 2 to 10000 (default 100). */
  readonly windowSize?: number;
  /**
   * Floor of the standard deviation, in ms, so that a perfectly regular peer is not suspected on the
   * first millisecond of lateness. A positive finite number (default 100).
   */
  readonly minStdDeviationMs?: number;
  /**
   * Silence, in ms, tolerated on top of the learned mean before suspicion starts to grow: covers
   * pauses the intervals do not show, such as garbage-collection stalls. A finite number >= 0 (default 0).
   */
  readonly acceptableHeartbeatPauseMs?: number;
  /**
   * The interval assumed, in ms, before a peer's first interval is known (its standard deviation is
   * taken as a quarter of it). A positive finite number (default 1000).
   */
  readonly firstHeartbeatEstimateMs?: number;
}
