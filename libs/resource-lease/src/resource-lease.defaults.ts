/** A lease not heart-beaten for this long expires. */
export const DEFAULT_LEASE_DURATION_MS = 10_000;
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
