import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import {
  answerWorkerHeartbeat,
  answerWorkerHeartbeatNow,
  WORKER_HEARTBEAT_ROUTE,
  type WorkerHeartbeatAnswer,
} from '@omnirelay/resource-lease';
import { routeAccess } from '../../security/route-access';
import { FastPathContext } from './fast-path-context';
import { routeParam, sendFailure, type HookReply, type HookRequest } from './fast-path-reply';

/** A body-less request: the heartbeat that renews every lease the worker holds (the periodic one). */
function hasNoBody(request: HookRequest): boolean {
  const length = request.headers['content-length'];
  return (length === undefined || length === '0') && request.headers['transfer-encoding'] === undefined;
}

/**
 * On Fastify, answers the periodic worker heartbeat (`POST /control/workers/:workerId/heartbeat`
 * without a body) from an onRequest hook, before Nest's pipeline: the same bearer guard decides
 * (its `check`), then the lib's worker heartbeat answer, the one the controller gives, checks the id,
 * renews and answers (204, 200 with `{ renewed, lost }`, 4xx JSON). This route carries most of a
 * large fleet's requests, and Nest's per-request machinery cost more than the renewal itself.
 * Anything else - a body (named leases, a pending count), other routes - goes through Nest.
 */
@Injectable()
export class WorkerHeartbeatHook implements OnModuleInit {
  private readonly logger = new Logger(WorkerHeartbeatHook.name);
  /** The guard's rule for the one route this hook answers, looked up once. */
  private readonly access = routeAccess('POST', WORKER_HEARTBEAT_ROUTE);

  constructor(private readonly context: FastPathContext) {}

  onModuleInit(): void {
    this.context.addHook('onRequest', (request, reply, done) => {
      if (request.method !== 'POST' || request.routeOptions?.url !== WORKER_HEARTBEAT_ROUTE || !hasNoBody(request)) {
        done();
        return;
      }
      this.answer(request, reply);
    });
  }

  /**
   * Answers within the hook when nothing needs to wait (the guard decides this route synchronously,
   * and the memory store renews synchronously): the reply is written while Node is still handling
   * the request's bytes, as a route handler's would be. Otherwise the same steps, awaited.
   */
  private answer(request: HookRequest, reply: HookReply): void {
    try {
      // In Nest's order: the guard first, then the controller's own check of the id (400 if refused).
      const allowed = this.context.guard.checkRoute(this.access, request, reply);
      if (allowed !== true) {
        void this.answerLater(allowed, request, reply);
        return;
      }
      const answer = answerWorkerHeartbeatNow(this.context.queue, routeParam(request, 'workerId'));
      if (answer === undefined) void this.answerLater(true, request, reply);
      else this.send(reply, answer);
    } catch (error) {
      sendFailure(reply, error, this.logger, 'worker heartbeat');
    }
  }

  /** The same steps, for a guard or a store that answers with a promise; settles every request (never rejects). */
  private async answerLater(allowed: boolean | Promise<boolean>, request: HookRequest, reply: HookReply): Promise<void> {
    try {
      await allowed;
      this.send(reply, await answerWorkerHeartbeat(this.context.queue, routeParam(request, 'workerId'), undefined));
    } catch (error) {
      sendFailure(reply, error, this.logger, 'worker heartbeat');
    }
  }

  private send(reply: HookReply, answer: WorkerHeartbeatAnswer): void {
    reply.code(answer.status).send(answer.body);
  }
}
