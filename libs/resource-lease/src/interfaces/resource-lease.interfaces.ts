export interface ResourceLeaseOptions {
  /** A lease not heart-beaten for this long expires: the item is requeued, the worker recorded as disconnected (default 10000). */
  readonly leaseDurationMs?: number;
  /** Largest work payload, in bytes of JSON; larger ones are refused with 413 (default 65536). */
  readonly maxPayloadBytes?: number;
  /** Deepest nesting of a work payload; deeper ones are refused with 400 (default 32). */
  readonly maxPayloadDepth?: number;
  /** Unfinished (pending or leased) items held before `POST /control/work` answers 429 (default 10000). */
  readonly maxQueuedItems?: number;
  /** Finished (completed or dead-lettered) items kept for `GET /control/work/:sequenceId` (default 1000); counts cover all. */
  readonly completedRetention?: number;
  /** Attempts an item gets; one that fails or expires on its last attempt is dead-lettered, not requeued (default 5). */
  readonly maxAttempts?: number;
}

export interface WorkItemInput {
  readonly resourceType: string;
  readonly resourceId: string;
  readonly payload?: unknown;
}

/** `dead-letter`: failed or expired on its last attempt; kept for inspection, never leased again. */
export type WorkItemState = 'pending' | 'leased' | 'completed' | 'dead-letter';

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

/** The answer to a worker heartbeat (`POST /control/workers/:workerId/heartbeat`). */
export interface WorkerHeartbeatResult {
  /** Leases renewed: their expiry starts over. */
  readonly renewed: number;
  /** Lease ids named in the request that the worker does not hold (any more): not renewed. */
  readonly lost: readonly string[];
}

export interface WorkItemView {
  readonly sequenceId: number;
  readonly resourceType: string;
  readonly resourceId: string;
  readonly state: WorkItemState;
  readonly attempt: number;
  readonly leasedBy: string | undefined;
  readonly completedBy: string | undefined;
  /** Workers that held the item, oldest first (requeues included; the most recent 16). */
  readonly holders: readonly string[];
}

/** Counts since the queue started: `total = pending + leased + completed + deadLettered`. */
export interface ResourceLeaseStats {
  readonly total: number;
  readonly pending: number;
  readonly leased: number;
  readonly completed: number;
  readonly deadLettered: number;
  readonly requeued: number;
  readonly expired: number;
  /** Sequence ids of the most recent dead-lettered items, oldest first (at most 20). */
  readonly recentDeadLetters: readonly number[];
}
