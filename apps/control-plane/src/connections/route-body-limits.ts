import { GOSSIP_LIMITS } from '@omnirelay/mesh-gossip';
import { DEFAULT_MAX_PAYLOAD_BYTES } from '@omnirelay/resource-lease';

const KIB = 1024;

/** Any route not listed below (reads carry no body at all). */
export const DEFAULT_BODY_LIMIT_BYTES = 16 * KIB;

/**
 * `POST /control/gossip`: a signed envelope around the largest payload gossip accepts
 * (`GOSSIP_LIMITS.messageBytes`); the payload is JSON text inside a JSON string, and escaping at most
 * doubles it, plus room for the envelope's other fields. A node's own messages are far smaller
 * (`GOSSIP_LIMITS.sendBytes` per page), so only a sender past the gossip module's limits meets it.
 */
export const GOSSIP_BODY_LIMIT_BYTES = 2 * GOSSIP_LIMITS.messageBytes + 4 * KIB;

/** `POST /control/work`: a work payload of the dispatcher's largest size (`DEFAULT_MAX_PAYLOAD_BYTES`), escaped, and the item's fields. */
export const WORK_BODY_LIMIT_BYTES = 2 * DEFAULT_MAX_PAYLOAD_BYTES + 16 * KIB;

/** Leases and worker heartbeats: ids, a pending count, the lease ids a heartbeat names. */
export const WORKER_BODY_LIMIT_BYTES = 64 * KIB;

/** The body limit of one route (Fastify route pattern), 413 above it, checked while the body arrives. */
export function routeBodyLimit(methods: readonly string[], pattern: string): number {
  if (!methods.some((method) => method.toUpperCase() === 'POST')) return DEFAULT_BODY_LIMIT_BYTES;
  if (pattern === '/control/gossip') return GOSSIP_BODY_LIMIT_BYTES;
  if (pattern === '/control/work') return WORK_BODY_LIMIT_BYTES;
  if (pattern.startsWith('/control/leases') || pattern.startsWith('/control/workers/')) return WORKER_BODY_LIMIT_BYTES;
  return DEFAULT_BODY_LIMIT_BYTES;
}
