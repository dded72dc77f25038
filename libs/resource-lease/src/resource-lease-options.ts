import type { ResourceLeaseOptions } from './interfaces/resource-lease.interfaces';
import {
  DEFAULT_COMPLETED_RETENTION,
  DEFAULT_LEASE_DURATION_MS,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_MAX_PAYLOAD_BYTES,
  DEFAULT_MAX_PAYLOAD_DEPTH,
  DEFAULT_MAX_QUEUED_ITEMS,
} from './resource-lease.defaults';

/** Every option resolved to a checked number. */
export type ResolvedResourceLeaseOptions = Required<{ [K in keyof ResourceLeaseOptions]: number }>;

/** Largest delay a Node timer honours; longer ones fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

function integer(name: string, value: number | undefined, fallback: number, min: number, max: number): number {
  const resolved = value ?? fallback;
  if (!Number.isSafeInteger(resolved) || resolved < min || resolved > max) {
    throw new RangeError(`ResourceLeaseModule option '${name}' must be an integer from ${min} to ${max}, got ${String(value)}`);
  }
  return resolved;
}

/** Applies the defaults and refuses values that cannot work (a zero lease, a timer Node would fire at once). */
export function resolveResourceLeaseOptions(options: ResourceLeaseOptions = {}): ResolvedResourceLeaseOptions {
  return {
    leaseDurationMs: integer('leaseDurationMs', options.leaseDurationMs, DEFAULT_LEASE_DURATION_MS, 1, MAX_TIMER_MS),
    maxPayloadBytes: integer('maxPayloadBytes', options.maxPayloadBytes, DEFAULT_MAX_PAYLOAD_BYTES, 4, 16 * 1024 * 1024),
    maxPayloadDepth: integer('maxPayloadDepth', options.maxPayloadDepth, DEFAULT_MAX_PAYLOAD_DEPTH, 1, 1000),
    maxQueuedItems: integer('maxQueuedItems', options.maxQueuedItems, DEFAULT_MAX_QUEUED_ITEMS, 1, Number.MAX_SAFE_INTEGER),
    completedRetention: integer('completedRetention', options.completedRetention, DEFAULT_COMPLETED_RETENTION, 0, Number.MAX_SAFE_INTEGER),
    maxAttempts: integer('maxAttempts', options.maxAttempts, DEFAULT_MAX_ATTEMPTS, 1, Number.MAX_SAFE_INTEGER),
  };
}
