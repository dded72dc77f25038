/** Holders remembered per item (the most recent ones). */
export const MAX_HOLDERS_PER_ITEM = 16;
/** Lease ids one worker heartbeat may name (a worker holding more sends none: all are renewed). */
export const MAX_HEARTBEAT_LEASE_IDS = 1024;
/** Longest lease id a worker heartbeat may name (lease ids are UUIDs, 36 characters). */
export const MAX_LEASE_ID_LENGTH = 64;
