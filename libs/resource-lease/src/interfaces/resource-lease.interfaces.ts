export interface ResourceLeaseOptions {
  /** A lease not heart-beaten for this long expires: the item is requeued, the worker recorded as disconnected (default 10000). */
  readonly leaseDurationMs?: number;
}

export interface WorkItemInput {
  readonly resourceType: string;
  readonly resourceId: string;
  readonly payload?: unknown;
}

export type WorkItemState = 'pending' | 'leased' | 'completed';

/** What a worker receives when it takes a lease. */
export interface LeaseGrant {
  readonly sequenceId: number;
  readonly attempt: number;
  readonly leaseId: string;
  readonly resourceType: string;
  readonly resourceId: string;
  readonly payload: unknown;
  readonly leaseDurationMs: number;
}

/** A worker's reference to its lease in heartbeat, complete and fail requests. */
export interface LeaseReference {
  readonly workerId: string;
  readonly sequenceId: number;
  readonly attempt: number;
}

export interface WorkItemView {
  readonly sequenceId: number;
  readonly resourceType: string;
  readonly resourceId: string;
  readonly state: WorkItemState;
  readonly attempt: number;
  readonly leasedBy: string | undefined;
  readonly completedBy: string | undefined;
  /** Workers that held the item, in order (requeues included). */
  readonly holders: readonly string[];
}

export interface ResourceLeaseStats {
  readonly total: number;
  readonly pending: number;
  readonly leased: number;
  readonly completed: number;
  readonly requeued: number;
  readonly expired: number;
}
