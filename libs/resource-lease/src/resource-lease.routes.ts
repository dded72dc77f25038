/** The controller's prefix: every route of the dispatcher is under `/control`. */
export const RESOURCE_LEASE_ROUTE_PREFIX = 'control';

/** The dispatcher's routes under the prefix, as the controller's decorators name them. */
export const RESOURCE_LEASE_ROUTES = {
  work: 'work',
  item: 'work/:sequenceId',
  leases: 'leases',
  leaseHeartbeat: 'leases/:leaseId/heartbeat',
  leaseComplete: 'leases/:leaseId/complete',
  leaseFail: 'leases/:leaseId/fail',
  workerHeartbeat: 'workers/:workerId/heartbeat',
} as const;

/** The worker heartbeat route in full, as Fastify names it: the route a host may answer on a fast path. */
export const WORKER_HEARTBEAT_ROUTE = `/${RESOURCE_LEASE_ROUTE_PREFIX}/${RESOURCE_LEASE_ROUTES.workerHeartbeat}`;

/** The per-lease heartbeat route in full, as Fastify names it: a route a host may answer on a fast path. */
export const LEASE_HEARTBEAT_ROUTE = `/${RESOURCE_LEASE_ROUTE_PREFIX}/${RESOURCE_LEASE_ROUTES.leaseHeartbeat}`;

/** The lease request route in full, as Fastify names it: a route a host may answer on a fast path. */
export const LEASE_REQUEST_ROUTE = `/${RESOURCE_LEASE_ROUTE_PREFIX}/${RESOURCE_LEASE_ROUTES.leases}`;
