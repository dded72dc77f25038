/**
 * Decides how long a peer stays healthy after a sign of life (a heartbeat, an assignment or a
 * release). The tracker asks once per sign of life and schedules the answer in its deadline wheel,
 * so a policy never polls and is never called on a timer. Pass one as `healthPolicy` to the tracker
 * or to `PeerHealthModule.forRoot()`; the default is the grace-period rule (`GracePeriodPolicy`).
 *
 * @template TPeerHistory What the policy remembers about one peer: created on the peer's first
 * sign of life and dropped with the peer when it is evicted. It must be bounded in size.
 */
export interface PeerHealthPolicy<TPeerHistory = unknown> {
  /** A short name, for logs and documentation (e.g. `grace-period`, `phi-accrual`). */
  readonly name: string;

  /** A fresh, empty history for a peer seen for the first time. */
  createPeerHistory(): TPeerHistory;

  /**
   * The peer showed life at `now` (epoch ms). Returns the last instant at which it still counts as
   * healthy if nothing else arrives: the tracker turns it unhealthy at the first instant after it.
   * `Infinity` means never. A result that is not a number at or after `now` is taken as `now`.
   */
  recordArrival(history: TPeerHistory, now: number): number;

  /**
   * The peer disconnected at `now`. Optional: a policy that learns from the gaps between arrivals
   * uses it to leave the outage out of what it learns.
   */
  recordDisconnect?(history: TPeerHistory, now: number): void;
}
