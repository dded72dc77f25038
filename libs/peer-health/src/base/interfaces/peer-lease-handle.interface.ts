/** Identifies one lease a peer holds: the work item's sequence id, the attempt, and the lease's UUID. */
export interface PeerLeaseHandle {
  readonly sequenceId: number;
  readonly attempt: number;
  /** A UUID; stored and served in lower-case canonical form. */
  readonly leaseId: string;
}
