import { HttpException, type Logger } from '@nestjs/common';
import type { HttpAdapterHost } from '@nestjs/core';
import { LeaseRequestError } from '@omnirelay/resource-lease';
import type { ReplyLike, RequestLike } from '../../security/bearer-auth.guard';

/** What a fast path reads of a Fastify request. */
export interface HookRequest extends RequestLike {
  readonly params?: unknown;
}

/** What a fast path writes of a Fastify reply. */
export interface HookReply extends ReplyLike {
  code(status: number): HookReply;
  send(payload?: unknown): unknown;
}

/** A Fastify request hook that answers some requests itself and hands the others on with `done`. */
export type FastPathHook = (request: HookRequest, reply: HookReply, done: () => void) => void;

interface FastifyLikeInstance {
  addHook(name: 'onRequest' | 'preHandler', hook: FastPathHook): unknown;
}

/**
 * Adds `hook` at `stage` of the host's Fastify instance (`onRequest`: before the body is read;
 * `preHandler`: with the body parsed, before Nest's pipeline). Returns false, adding nothing, on
 * another platform (Express): there Nest's pipeline answers every route.
 */
export function addFastPathHook(adapterHost: HttpAdapterHost, stage: 'onRequest' | 'preHandler', hook: FastPathHook): boolean {
  const adapter = adapterHost.httpAdapter as { getType?: () => string; getInstance?: () => unknown } | undefined;
  if (adapter?.getType?.() !== 'fastify') return false;
  const instance = adapter.getInstance?.() as FastifyLikeInstance | undefined;
  if (typeof instance?.addHook !== 'function') return false;
  instance.addHook(stage, hook);
  return true;
}

/** A string route parameter of the request, unchecked otherwise (the shared answer checks it as the controller does). */
export function routeParam(request: HookRequest, name: string): unknown {
  const params: unknown = request.params;
  return typeof params === 'object' && params !== null ? (params as Record<string, unknown>)[name] : undefined;
}

/** What Nest's exception layer would answer for `error`: the HttpException's, the LeaseRequestError's, or a logged 500. */
export function sendFailure(reply: HookReply, error: unknown, logger: Logger, what: string): void {
  if (error instanceof HttpException) {
    reply.code(error.getStatus()).send(error.getResponse());
    return;
  }
  if (error instanceof LeaseRequestError) {
    reply.code(error.status).send(error.body);
    return;
  }
  logger.error(`${what} failed: ${error instanceof Error ? error.message : String(error)}`);
  reply.code(500).send({ statusCode: 500, message: 'Internal server error' });
}
