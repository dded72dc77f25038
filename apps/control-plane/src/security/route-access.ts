import { DEFAULT_LEASE_HEALTH_PATH, DEFAULT_LEASE_HEALTH_PATH_PREFIX } from '@omnirelay/peer-health';
import type { AuthRole } from './auth-role';

/**
 * What a route requires, beyond a role:
 * - `public`: no token (health probes);
 * - `roles`: a token of one of the roles;
 * - `lease-request`: a worker leasing as its own subject (body `workerId`);
 * - `lease-held`: a worker acting on a lease it holds (body `workerId` and the holder of `:leaseId`);
 * - `idle-heartbeat`: a worker heart-beating as its own subject (`:workerId`); the heartbeat renews
 *   only leases that subject holds, so naming another worker's lease ids renews nothing.
 * Admin tokens pass every rule.
 */
export type RouteAccess =
  | { readonly kind: 'public' }
  | { readonly kind: 'roles'; readonly roles: readonly AuthRole[] }
  | { readonly kind: 'lease-request' }
  | { readonly kind: 'lease-held' }
  | { readonly kind: 'idle-heartbeat' };

const READ: RouteAccess = { kind: 'roles', roles: ['reader', 'admin'] };
const ADMIN: RouteAccess = { kind: 'roles', roles: ['admin'] };
/** Readers, and mesh nodes with their own node token (a control-plane node federating a dispatcher). */
const FLEET_READ: RouteAccess = { kind: 'roles', roles: ['reader', 'node', 'admin'] };

/** The host's routes (Fastify route patterns) and what each needs. */
const ROUTE_ACCESS: ReadonlyMap<string, RouteAccess> = new Map<string, RouteAccess>([
  // Mesh nodes read each other's lease health for the fleet view (--federate, dispatcher discovery).
  [`GET ${DEFAULT_LEASE_HEALTH_PATH}`, FLEET_READ],
  [`GET ${DEFAULT_LEASE_HEALTH_PATH}/events`, READ],
  // The page holds no data: it asks for a token and sends it on its own requests.
  [`GET ${DEFAULT_LEASE_HEALTH_PATH_PREFIX}/dashboard`, { kind: 'public' }],
  ['GET /metrics', READ],
  ['GET /control/peers', READ],
  ['GET /control/leaders', READ],
  ['GET /control/work', READ],
  ['GET /control/work/:sequenceId', READ],
  // No bearer token: gossip is authenticated by its signed envelope (the gossip endpoint answers 401),
  // and the host refuses to start with a tokens file but unsigned gossip (gossip/gossip-signing.ts).
  ['POST /control/gossip', { kind: 'public' }],
  ['POST /control/work', ADMIN],
  ['POST /control/leases', { kind: 'lease-request' }],
  ['POST /control/leases/:leaseId/heartbeat', { kind: 'lease-held' }],
  ['POST /control/leases/:leaseId/complete', { kind: 'lease-held' }],
  ['POST /control/leases/:leaseId/fail', { kind: 'lease-held' }],
  ['POST /control/workers/:workerId/heartbeat', { kind: 'idle-heartbeat' }],
]);

/**
 * The rule of `method` on the route `pattern`. Routes not in the table: `/health/...` is public, any
 * other read (GET, HEAD) needs a reader, anything else an admin, so a route added later is never open
 * by accident.
 */
export function routeAccess(method: string, pattern: string): RouteAccess {
  const verb = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
  const listed = ROUTE_ACCESS.get(`${verb} ${pattern}`);
  if (listed) return listed;
  if (pattern === '/health' || pattern.startsWith('/health/')) return { kind: 'public' };
  return verb === 'GET' ? READ : ADMIN;
}
