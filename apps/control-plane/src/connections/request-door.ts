import { HttpException } from '@nestjs/common';
import type { Socket } from 'node:net';
import type { AuthTokenTable } from '../security/auth-token-table';
import { BearerAuthGuard, type ReplyLike, type RequestLike } from '../security/bearer-auth.guard';
import { routeAccess } from '../security/route-access';
import type { ConnectionGate } from './connection-gate';
import { routeBodyLimit } from './route-body-limits';

/** Answers after which the connection is closed: the caller is unknown, refused, or sends too much. */
export const CLOSING_STATUSES: ReadonlySet<number> = new Set([401, 403, 413, 431]);

interface DoorRequest extends RequestLike {
  readonly raw: { readonly socket: Socket };
}

interface DoorReply extends ReplyLike {
  readonly statusCode: number;
  code(status: number): DoorReply;
  send(payload?: unknown): unknown;
}

interface DoorRoute {
  readonly method: string | readonly string[];
  readonly url: string;
  bodyLimit?: number;
}

/** The parts of a Fastify instance the door uses. */
export interface DoorFastify {
  addHook(name: 'onRoute', hook: (route: DoorRoute) => void): unknown;
  addHook(name: 'onRequest', hook: (request: DoorRequest, reply: DoorReply, done: (error?: Error) => void) => void): unknown;
  addHook(name: 'onSend', hook: (request: DoorRequest, reply: DoorReply, payload: unknown, done: (error: null, payload: unknown) => void) => void): unknown;
}

/**
 * The host's door, on its Fastify instance, before any route is registered (so its hooks come first):
 * - every route gets its own body limit (route-body-limits.ts), so Fastify answers 413 while the body
 *   arrives, before it is parsed;
 * - with a tokens file, the token and its role are checked in `onRequest`, before any body is read:
 *   a stranger's 1 MB POST costs a header lookup, not a parse; the Nest guard still decides, with the
 *   body, which worker and which lease (see BearerAuthGuard.admit);
 * - a connection whose request carried an accepted token is marked as a known caller's (the gate);
 * - a 401, 403, 413 or 431 answer carries `Connection: close`, and Node closes the connection after it.
 */
export function installRequestDoor(fastify: DoorFastify, tokens: AuthTokenTable | null, gate: ConnectionGate | undefined): void {
  fastify.addHook('onRoute', (route) => {
    route.bodyLimit ??= routeBodyLimit(typeof route.method === 'string' ? [route.method] : route.method, route.url);
  });
  if (tokens !== null) {
    const guard = new BearerAuthGuard(tokens);
    fastify.addHook('onRequest', (request, reply, done) => {
      const pattern = request.routeOptions?.url ?? request.url.split('?')[0] ?? '';
      let known: boolean;
      try {
        known = guard.admit(routeAccess(request.method, pattern), request, reply) !== undefined;
      } catch (error) {
        if (!(error instanceof HttpException)) throw error;
        reply.code(error.getStatus()).send(error.getResponse());
        return;
      }
      if (known) gate?.markAuthenticated(request.raw.socket);
      done();
    });
  }
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (CLOSING_STATUSES.has(reply.statusCode)) reply.header('Connection', 'close');
    done(null, payload);
  });
}
