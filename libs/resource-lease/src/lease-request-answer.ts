import type { LeaseGrant } from './interfaces/resource-lease.interfaces';
import { parseWorkerRequest } from './lease-request-validation';
import type { ResourceLeaseQueue } from './resource-lease.queue';

/** The HTTP answer to a lease request (`POST /control/leases`): 200 with the grant, or 204 (no body) when nothing is pending. */
export type LeaseRequestAnswer = { readonly status: 200; readonly body: LeaseGrant } | { readonly status: 204; readonly body: undefined };

/** Shared by every request that finds nothing pending: frozen, so no caller can change it for the next. */
const NOTHING_PENDING: LeaseRequestAnswer = Object.freeze({ status: 204, body: undefined });

/**
 * Checks the body (the worker's id), leases the next pending item to that worker, and answers. A
 * refused request throws a LeaseRequestError (its status and body): 400 for a bad body, 409 for a
 * worker not eligible for work (unhealthy), 503 when the store is unreachable. The controller and a host's fast
 * path both answer through this, so their answers cannot drift apart.
 */
export async function answerLeaseRequest(queue: ResourceLeaseQueue, body: unknown): Promise<LeaseRequestAnswer> {
  const grant = await queue.lease(parseWorkerRequest(body).workerId);
  return grant === undefined ? NOTHING_PENDING : { status: 200, body: grant };
}
