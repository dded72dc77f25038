/** Counts of what the membership refused; plain numbers, read by stats and metrics. */
export interface MembershipCounters {
  /** New members refused because the table was full. */
  refusedMembers: number;
  /** Claims a third party may not make: another member's `left`, or a raise of its incarnation. */
  ignoredClaims: number;
  /** Tombstones forgotten early to stay under maxTombstones (or to make room for a member). */
  compactedTombstones: number;
  /** Suspicions of this node that others spread and that it refuted by moving its heartbeat past them. */
  refutedSuspicions: number;
  /** Third-party suspicions not adopted: member immune, nothing seen here backs them, or the sender's rate spent. */
  refusedSuspicions: number;
}

/** @internal */
export function emptyMembershipCounters(): MembershipCounters {
  return { refusedMembers: 0, ignoredClaims: 0, compactedTombstones: 0, refutedSuspicions: 0, refusedSuspicions: 0 };
}
