import { HttpException, type Logger } from '@nestjs/common';
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
