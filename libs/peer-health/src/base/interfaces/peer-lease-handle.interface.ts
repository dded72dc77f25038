/** Identifies one lease a peer holds: the work item's sequence id, the attempt, and the lease's UUID. */
export interface PeerLeaseHandle {
  /** The work item's sequence number: an integer in the safe-integer range. */
  readonly sequenceId: number;
  /** Which attempt at the item this lease is: a non-negative integer. */
  readonly attempt: number;
  /** A UUID; stored and served in lower-case canonical form. */
  readonly leaseId: string;
}
