import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { answerLeaseHeartbeat, LEASE_HEARTBEAT_ROUTE } from '@omnirelay/resource-lease';
import { routeAccess } from '../../security/route-access';
import { FastPathContext } from './fast-path-context';
import { routeParam, sendFailure, type HookReply, type HookRequest } from './fast-path-reply';

/**
 * On Fastify, answers the per-lease heartbeat (`POST /control/leases/:leaseId/heartbeat`) from a
 * preHandler hook: after the door (token, role, body limit) and Fastify's JSON parser, before Nest's
 * pipeline. The same bearer guard decides (its `checkRoute`: role, the body's worker, the lease's
 * holder), then the lib's lease heartbeat answer, the one the controller gives, checks the body,
 * extends the lease, records the heartbeat and answers (200 `{ ok: true }`, or the 4xx/503 JSON).
 * A busy worker heartbeats each lease it holds, and Nest's per-request machinery cost about as much
 * as the renewal on etcd. Every other route goes through Nest.
 */
@Injectable()
export class LeaseHeartbeatHook implements OnModuleInit {
  private readonly logger = new Logger(LeaseHeartbeatHook.name);
  /** The guard's rule for the one route this hook answers, looked up once. */
  private readonly access = routeAccess('POST', LEASE_HEARTBEAT_ROUTE);

  constructor(private readonly context: FastPathContext) {}

  onModuleInit(): void {
    this.context.addHook('preHandler', (request, reply, done) => {
      if (request.method !== 'POST' || request.routeOptions?.url !== LEASE_HEARTBEAT_ROUTE) {
        done();
        return;
      }
      void this.answer(request, reply);
    });
  }

  /** In Nest's order: the guard first, then the controller's answer. Settles every request (never rejects). */
  private async answer(request: HookRequest, reply: HookReply): Promise<void> {
    try {
      const allowed = this.context.guard.checkRoute(this.access, request, reply);
      if (allowed !== true) await allowed;
      const answer = await answerLeaseHeartbeat(this.context.queue, String(routeParam(request, 'leaseId')), request.body);
      reply.code(answer.status).send(answer.body);
    } catch (error) {
      sendFailure(reply, error, this.logger, 'lease heartbeat');
    }
  }
}
