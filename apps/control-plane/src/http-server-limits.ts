import { closingClientErrorHandler } from './connections/client-error-handler';
import { DEFAULT_BODY_LIMIT_BYTES } from './connections/route-body-limits';

/** Headers must arrive within this (Node's own default is 60 s). */
const HEADERS_TIMEOUT_MS = 10_000;
/**
 * A connection with no traffic at all for this long is closed (a client that stops reading its answer).
 * Idle keep-alive connections keep Fastify's own bound (72 s): a shorter one races a loaded event
 * loop, whose keep-alive timer can fire before it reads the next request already sent.
 */
const IDLE_TIMEOUT_MS = 60_000;

/**
 * Time bounds of the HTTP server, so a client that sends slowly (a body one byte every few seconds)
 * cannot hold a connection: Fastify's `requestTimeout` bounds headers plus body; Node checks it (and
 * `headersTimeout`) only every `connectionsCheckingInterval`, so that interval is kept short.
 */
export function httpServerLimits(requestTimeoutMs: number): {
  fastify: { requestTimeout: number; connectionTimeout: number; bodyLimit: number; clientErrorHandler: typeof closingClientErrorHandler };
  node: { headersTimeout: number; requestTimeout: number; connectionsCheckingInterval: number };
} {
  return {
    fastify: {
      requestTimeout: requestTimeoutMs,
      connectionTimeout: IDLE_TIMEOUT_MS,
      // Routes carry their own limits (connections/route-body-limits.ts); this one is for the rest.
      bodyLimit: DEFAULT_BODY_LIMIT_BYTES,
      clientErrorHandler: closingClientErrorHandler,
    },
    node: {
      headersTimeout: Math.min(HEADERS_TIMEOUT_MS, requestTimeoutMs),
      requestTimeout: requestTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, requestTimeoutMs),
    },
  };
}
