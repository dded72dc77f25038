/**
 * What the tracker keeps per peer when a health policy other than the grace-period rule decides: the
 * policy's own history of the peer, its latest answer, and where the peer is filed in the expiry
 * wheel. Peers under the default rule carry none of it (their deadline is lastHeartbeat + grace).
 * @internal
 */
export class PolicyPeerState {
  /** Last instant the peer counts as healthy without a further sign of life. */
  healthyUntil = Infinity;
  /** The deadline the peer's live expiry-wheel entry was filed under: entries in other buckets are stale. */
  filedAt = Infinity;

  constructor(readonly history: unknown) {}
}
