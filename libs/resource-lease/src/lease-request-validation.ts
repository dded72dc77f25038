import type { LeaseReference, WorkItemInput } from './interfaces/resource-lease.interfaces';
import { LeaseRequestError } from './errors/lease-request.error';
import { MAX_HEARTBEAT_LEASE_IDS, MAX_LEASE_ID_LENGTH } from './resource-lease.limits';

type Fields = Record<string, unknown>;

function body(value: unknown): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new LeaseRequestError(400, 'invalid-request', 'request body must be a JSON object');
  }
  return value as Fields;
}

/** A non-blank id of at most 256 characters, or a 400 LeaseRequestError naming the field. */
export function requireId(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.trim().length === 0 || value.length > 256) {
    throw new LeaseRequestError(400, 'invalid-request', `'${name}' must be a non-blank string of at most 256 characters`);
  }
  return value;
}

function requireInteger(value: unknown, name: string, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new LeaseRequestError(400, 'invalid-request', `'${name}' must be an integer of at least ${min}`);
  }
  return value;
}

export function parseWorkItem(value: unknown): WorkItemInput {
  const fields = body(value);
  return {
    resourceType: requireId(fields['resourceType'], 'resourceType'),
    resourceId: requireId(fields['resourceId'], 'resourceId'),
    payload: fields['payload'] ?? null,
  };
}

export function parseWorkerRequest(value: unknown): { workerId: string } {
  return { workerId: requireId(body(value)['workerId'], 'workerId') };
}

export function parseLeaseReference(value: unknown): LeaseReference & { pendingCount?: number; reason?: string } {
  const fields = body(value);
  const pendingCount = fields['pendingCount'] === undefined ? undefined : requireInteger(fields['pendingCount'], 'pendingCount', 0);
  const reason = fields['reason'] === undefined ? undefined : requireId(fields['reason'], 'reason');
  return {
    workerId: requireId(fields['workerId'], 'workerId'),
    sequenceId: requireInteger(fields['sequenceId'], 'sequenceId', 1),
    attempt: requireInteger(fields['attempt'], 'attempt', 1),
    ...(pendingCount === undefined ? {} : { pendingCount }),
    ...(reason === undefined ? {} : { reason }),
  };
}

/**
 * The body of a worker heartbeat: nothing (or `{}`) renews every lease the worker holds;
 * `{ leaseIds: [...] }` the named ones; `pendingCount` as for a lease heartbeat. Bounded: at most
 * MAX_HEARTBEAT_LEASE_IDS ids of at most MAX_LEASE_ID_LENGTH characters.
 */
export function parseWorkerHeartbeat(value: unknown): { pendingCount?: number; leaseIds?: readonly string[] } {
  if (value === undefined || value === null || value === '') return {};
  const fields = body(value);
  const pending = fields['pendingCount'];
  const pendingCount = pending === undefined ? undefined : requireInteger(pending, 'pendingCount', 0);
  const ids = fields['leaseIds'];
  if (ids !== undefined && (!Array.isArray(ids) || ids.length > MAX_HEARTBEAT_LEASE_IDS)) {
    throw new LeaseRequestError(400, 'invalid-request', `'leaseIds' must be an array of at most ${MAX_HEARTBEAT_LEASE_IDS} lease ids`);
  }
  const leaseIds = ids === undefined ? undefined : (ids as unknown[]).map((id) => {
    if (typeof id !== 'string' || id.length === 0 || id.length > MAX_LEASE_ID_LENGTH) {
      throw new LeaseRequestError(400, 'invalid-request', `every lease id must be a non-empty string of at most ${MAX_LEASE_ID_LENGTH} characters`);
    }
    return id;
  });
  return { ...(pendingCount === undefined ? {} : { pendingCount }), ...(leaseIds === undefined ? {} : { leaseIds }) };
}
