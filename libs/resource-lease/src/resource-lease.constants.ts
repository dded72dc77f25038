export const RESOURCE_LEASE_OPTIONS = Symbol('RESOURCE_LEASE_OPTIONS');
export const DEFAULT_LEASE_DURATION_MS = 10_000;
/** Disconnect reason recorded for a worker whose lease expired. */
export const LEASE_EXPIRED_REASON = 'lease-expired';
/** A work item's payload: at most this many bytes of JSON... */
export const DEFAULT_MAX_PAYLOAD_BYTES = 64 * 1024;
/** ...nested at most this deep. */
export const DEFAULT_MAX_PAYLOAD_DEPTH = 32;
/** Unfinished (pending or leased) items the queue holds before it answers 429. */
export const DEFAULT_MAX_QUEUED_ITEMS = 10_000;
/** Finished (completed or dead-lettered) items kept for GET /control/work/:sequenceId; counts are kept for all. */
export const DEFAULT_COMPLETED_RETENTION = 1_000;
/** Attempts an item gets before it is dead-lettered instead of requeued. */
export const DEFAULT_MAX_ATTEMPTS = 5;
/** Holders remembered per item (the most recent ones). */
export const MAX_HOLDERS_PER_ITEM = 16;
/** Lease ids one worker heartbeat may name (a worker holding more sends none: all are renewed). */
export const MAX_HEARTBEAT_LEASE_IDS = 1024;
/** Longest lease id a worker heartbeat may name (lease ids are UUIDs, 36 characters). */
export const MAX_LEASE_ID_LENGTH = 64;
/** The WorkStore the dispatcher keeps its items in (default: a MemoryWorkStore). */
export const WORK_STORE = Symbol('WORK_STORE');
