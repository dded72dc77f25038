import type { WorkerHeartbeatResult } from '../interfaces/resource-lease.interfaces';
import { parseWorkerHeartbeat, requireId } from '../lease-request-validation';
import type { ResourceLeaseQueue } from '../resource-lease.queue';

/**
 * The HTTP answer to a worker heartbeat (`POST /control/workers/:workerId/heartbeat`): 204 without a
 * body when every named lease was renewed (the common case, nothing to say), 200 with `{ renewed, lost }`
 * when some named lease ids were not. A refused request throws a LeaseRequestError (its status and body).
 */
export interface WorkerHeartbeatAnswer {
  readonly status: 200 | 204;
  readonly body: WorkerHeartbeatResult | undefined;
}

/** Shared by every fully renewed heartbeat: frozen, so no caller can change it for the next. */
const ALL_RENEWED: WorkerHeartbeatAnswer = Object.freeze({ status: 204, body: undefined });

function answerOf(result: WorkerHeartbeatResult): WorkerHeartbeatAnswer {
  return result.lost.length > 0 ? { status: 200, body: result } : ALL_RENEWED;
}

/**
 * Checks the body (leases named, pending count) and the route's worker id, renews, and answers. The
 * controller and a host's fast path both answer through this, so their answers cannot drift apart.
 */
export async function answerWorkerHeartbeat(queue: ResourceLeaseQueue, workerId: unknown, body: unknown): Promise<WorkerHeartbeatAnswer> {
  const { pendingCount, leaseIds } = parseWorkerHeartbeat(body);
  return answerOf(await queue.workerHeartbeat(requireId(workerId, 'workerId'), pendingCount, leaseIds));
}

/**
 * The body-less heartbeat (renew every lease the worker holds) answered synchronously when the store
 * renews in this process's memory; undefined, with nothing done, when the store can only answer
 * asynchronously: then `answerWorkerHeartbeat`. The same answers and refusals as that.
 */
export function answerWorkerHeartbeatNow(queue: ResourceLeaseQueue, workerId: unknown): WorkerHeartbeatAnswer | undefined {
  const result = queue.workerHeartbeatNow(requireId(workerId, 'workerId'));
  return result === undefined ? undefined : answerOf(result);
}
