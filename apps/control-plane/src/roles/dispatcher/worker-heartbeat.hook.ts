import { HttpException, Inject, Injectable, Logger, Optional, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { LeaseRequestError, ResourceLeaseQueue } from '@omnirelay/resource-lease';
import { AUTH_TOKEN_TABLE } from '../../security/auth-tokens.constants';
import type { AuthTokenTable } from '../../security/auth-token-table';
import { BearerAuthGuard, type ReplyLike, type RequestLike } from '../../security/bearer-auth.guard';

/** The dispatcher's worker heartbeat route, as Fastify names it. */
export const WORKER_HEARTBEAT_ROUTE = '/control/workers/:workerId/heartbeat';

interface HookRequest extends RequestLike {
  readonly params?: unknown;
}

interface HookReply extends ReplyLike {
  code(status: number): HookReply;
  send(payload?: unknown): unknown;
}

interface FastifyLikeInstance {
  addHook(name: 'onRequest', hook: (request: HookRequest, reply: HookReply, done: () => void) => void): unknown;
}

/** A body-less request: the heartbeat that renews every lease the worker holds (the periodic one). */
function hasNoBody(request: HookRequest): boolean {
  const length = request.headers['content-length'];
  return (length === undefined || length === '0') && request.headers['transfer-encoding'] === undefined;
}

/**
 * On Fastify, answers the periodic worker heartbeat (`POST /control/workers/:workerId/heartbeat`
 * without a body) from an onRequest hook, before Nest's pipeline: the same bearer guard decides
 * (its `check`), the same queue call renews, and the answers are the controller's (204, 200 with
 * `{ renewed, lost }`, 4xx JSON). This route carries most of a large fleet's requests, and Nest's
 * per-request machinery cost more than the renewal itself. Anything else - a body (named leases,
 * a pending count), an id the controller would refuse, other routes - goes through Nest as before.
 */
@Injectable()
export class WorkerHeartbeatHook implements OnModuleInit {
  private readonly logger = new Logger(WorkerHeartbeatHook.name);
  private readonly guard: BearerAuthGuard;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly queue: ResourceLeaseQueue,
    @Optional() @Inject(AUTH_TOKEN_TABLE) tokens: AuthTokenTable | null = null,
  ) {
    this.guard = new BearerAuthGuard(tokens, queue);
  }

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter as { getType?: () => string; getInstance?: () => unknown } | undefined;
    if (adapter?.getType?.() !== 'fastify') return;
    const instance = adapter.getInstance?.() as FastifyLikeInstance | undefined;
    if (typeof instance?.addHook !== 'function') return;
    instance.addHook('onRequest', (request, reply, done) => {
      const params = request.params as { workerId?: unknown } | undefined;
      const workerId = params?.workerId;
      if (
        request.method !== 'POST' ||
        request.routeOptions?.url !== WORKER_HEARTBEAT_ROUTE ||
        typeof workerId !== 'string' ||
        // Ids the controller refuses with 400 take the controller's way.
        workerId.length > 256 ||
        workerId.trim().length === 0 ||
        !hasNoBody(request)
      ) {
        done();
        return;
      }
      this.answer(request, reply, workerId).catch((error: unknown) => this.fail(reply, error));
    });
  }

  private async answer(request: HookRequest, reply: HookReply, workerId: string): Promise<void> {
    await this.guard.check(request, reply);
    const result = await this.queue.workerHeartbeat(workerId);
    if (result.lost.length > 0) reply.code(200).send(result);
    else reply.code(204).send();
  }

  /** What Nest's exception layer would answer. */
  private fail(reply: HookReply, error: unknown): void {
    if (error instanceof HttpException) {
      reply.code(error.getStatus()).send(error.getResponse());
      return;
    }
    if (error instanceof LeaseRequestError) {
      reply.code(error.status).send({ statusCode: error.status, error: error.code, message: error.message });
      return;
    }
    this.logger.error(`worker heartbeat failed: ${error instanceof Error ? error.message : String(error)}`);
    reply.code(500).send({ statusCode: 500, message: 'Internal server error' });
  }
}
