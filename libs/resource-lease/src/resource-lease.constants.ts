export const RESOURCE_LEASE_OPTIONS = Symbol('RESOURCE_LEASE_OPTIONS');
export const DEFAULT_LEASE_DURATION_MS = 10_000;
/** Disconnect reason recorded for a worker whose lease expired. */
export const LEASE_EXPIRED_REASON = 'lease-expired';
