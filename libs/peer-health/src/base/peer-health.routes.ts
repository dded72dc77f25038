export const DEFAULT_LEASE_HEALTH_PATH_PREFIX = '/omnirelay/control';
export const LEASE_HEALTH_ROUTE = 'lease-health';
/** Where the endpoint is served by default; the one spelling of the path in the kit. */
export const DEFAULT_LEASE_HEALTH_PATH = `${DEFAULT_LEASE_HEALTH_PATH_PREFIX}/${LEASE_HEALTH_ROUTE}`;
