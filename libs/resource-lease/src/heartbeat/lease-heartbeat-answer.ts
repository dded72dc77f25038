import { parseLeaseReference } from '../lease-request-validation';
import type { ResourceLeaseQueue } from '../resource-lease.queue';

/** The HTTP answer to a per-lease heartbeat (`POST /control/leases/:leaseId/heartbeat`): always 200 `{ ok: true }`. */
export interface LeaseHeartbeatAnswer {
  readonly status: 200;
  readonly body: { readonly ok: true };
}

/** Shared by every renewed lease: frozen, so no caller can change it for the next. */
const RENEWED: LeaseHeartbeatAnswer = Object.freeze({ status: 200, body: Object.freeze({ ok: true }) });

/**
 * Checks the body (the worker's reference to the lease, an optional pending count), extends the lease,
 * and answers. A refused request throws a LeaseRequestError (its status and body): 400 for a bad body,
 * 404 for no such lease, 409 for a lease held otherwise, 503 when the store is unreachable. The
 * controller and a host's fast path both answer through this, so their answers cannot drift apart.
 */
export async function answerLeaseHeartbeat(queue: ResourceLeaseQueue, leaseId: string, body: unknown): Promise<LeaseHeartbeatAnswer> {
  const reference = parseLeaseReference(body);
  await queue.heartbeat(leaseId, reference, reference.pendingCount);
  return RENEWED;
}
