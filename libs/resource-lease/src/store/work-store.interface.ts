import type { LeaseReference, WorkItemView } from '../interfaces/resource-lease.interfaces';

/** An item as the store hands it to a worker. */
export interface ClaimedItem {
  readonly sequenceId: number;
  readonly attempt: number;
  readonly leaseId: string;
  readonly resourceType: string;
  readonly resourceId: string;
  readonly payload: unknown;
}

/** A lease the store knows, as the dispatcher records it into the tracker. */
export interface StoredLease {
  readonly leaseId: string;
  readonly workerId: string;
  readonly sequenceId: number;
  readonly attempt: number;
}

/** What became of a released lease: requeued with the next attempt, or dead-lettered (`requeued` false), or completed. */
export interface Released {
  readonly lease: StoredLease;
  readonly requeued: boolean;
  /**
   * The worker completed this lease already (an earlier call whose answer it never got): the item is
   * completed, and this call changed nothing, so nothing is recorded again.
   */
  readonly repeated?: boolean;
}

/** What one batched renewal did: the leases renewed, and the named lease ids the worker does not hold (lost). */
export interface HeldLeaseRenewal {
  readonly renewed: readonly StoredLease[];
  readonly lost: readonly string[];
}

/** Durable counts: `total = pending + leased + completed + deadLettered`. */
export interface WorkCounts {
  readonly total: number;
  readonly pending: number;
  readonly leased: number;
  readonly completed: number;
  readonly deadLettered: number;
  readonly recentDeadLetters: readonly number[];
}

/** Limits every store applies the same way. */
export interface WorkStoreLimits {
  readonly maxQueuedItems: number;
  readonly completedRetention: number;
  readonly maxAttempts: number;
}

/**
 * Where the dispatcher keeps its items. Every method is one atomic step: an item is always exactly one
 * of pending, leased, completed or dead-lettered. Refusals are LeaseRequestError (404 unknown lease,
 * 409 held by someone else or for another attempt, 429 full); any other rejection means the store
 * itself failed (the dispatcher answers 503).
 */
export interface WorkStore {
  /** Stores a new pending item (429 when `maxQueuedItems` are unfinished); resolves with its sequence id. */
  add(resourceType: string, resourceId: string, payload: unknown): Promise<number>;
  /** Leases the next pending item (requeued ones first) to `workerId` until `deadline`; undefined when none is pending. */
  claim(workerId: string, leaseId: string, deadline: number): Promise<ClaimedItem | undefined>;
  /** Moves the deadline of a lease held as `reference` says. */
  extend(leaseId: string, reference: LeaseReference, deadline: number): Promise<StoredLease>;
  /**
   * A worker's heartbeat in one call: moves the deadline of every lease `workerId` holds (`leaseIds`
   * undefined), or of the named ones (each once, in the order named; ids it does not hold, or that
   * expire or are released before the renewal, are `lost`).
   */
  renewHeld(workerId: string, leaseIds: readonly string[] | undefined, deadline: number): Promise<HeldLeaseRenewal>;
  /**
   * `renewHeld` answered synchronously, by a store that keeps its leases in this process (the memory
   * store): the same renewal, without a promise. A store that must wait (etcd) leaves it out.
   */
  renewHeldNow?(workerId: string, leaseIds: readonly string[] | undefined, deadline: number): HeldLeaseRenewal;
  /**
   * Ends a lease held as `reference` says: completed, or failed (requeued or dead-lettered by the
   * attempt rule). Completing a lease again (the item is completed by that worker at that attempt)
   * answers `repeated`, so a worker may retry a completion whose answer it lost.
   */
  release(leaseId: string, reference: LeaseReference, outcome: 'completed' | 'failed'): Promise<Released>;
  /**
   * Requeues (or dead-letters) every lease whose deadline is before `now`, and forgets finished items
   * beyond the retention. Undefined when this process may not sweep now (another one does).
   */
  sweep(now: number): Promise<readonly Released[] | undefined>;
  holderOf(leaseId: string): Promise<string | undefined>;
  /** The leases `workerId` holds now. */
  leasesOf(workerId: string): Promise<readonly StoredLease[]>;
  /** Active leases per worker id. */
  leaseCounts(): Promise<ReadonlyMap<string, number>>;
  counts(): Promise<WorkCounts>;
  /** undefined when the item is unknown (or finished and beyond the retention). */
  item(sequenceId: number): Promise<WorkItemView | undefined>;
}
