import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { answerLeaseHeartbeat, answerLeaseRequest, LEASE_HEARTBEAT_ROUTE, LEASE_REQUEST_ROUTE, type ResourceLeaseQueue } from '@omnirelay/resource-lease';
import { routeAccess, type RouteAccess } from '../../security/route-access';
import { FastPathContext } from './fast-path-context';
import { routeParam, sendFailure, type HookReply, type HookRequest } from './fast-path-reply';

/** One route this hook answers: the guard's rule for it, and the lib's answer (the one the controller gives). */
interface LeaseRoute {
  readonly what: string;
  readonly access: RouteAccess;
  readonly answer: (queue: ResourceLeaseQueue, request: HookRequest) => Promise<{ readonly status: number; readonly body: unknown }>;
}

/**
 * On Fastify, answers the two calls a busy worker makes most from a preHandler hook: the lease
 * request (`POST /control/leases`) and the per-lease heartbeat (`POST /control/leases/:leaseId/heartbeat`),
 * after the door (token, role, body limit) and Fastify's JSON parser, before Nest's pipeline. The same
 * bearer guard decides (its `checkRoute`: role, the body's worker, the lease's holder), then the lib's
 * answer for the route, the one the controller gives, checks the body, asks the queue, records and
 * answers (200 with the grant or `{ ok: true }`, 204 with no body, or the 4xx/503 JSON). Nest's
 * per-request machinery cost about as much as the store's work on etcd. Every other route goes
 * through Nest.
 */
@Injectable()
export class LeaseRoutesHook implements OnModuleInit {
  private readonly logger = new Logger(LeaseRoutesHook.name);
  /** The routes this hook answers, by Fastify's route name; each guard rule looked up once. */
  private readonly routes = new Map<string, LeaseRoute>([
    [
      LEASE_REQUEST_ROUTE,
      { what: 'lease request', access: routeAccess('POST', LEASE_REQUEST_ROUTE), answer: (queue, request) => answerLeaseRequest(queue, request.body) },
    ],
    [
      LEASE_HEARTBEAT_ROUTE,
      {
        what: 'lease heartbeat',
        access: routeAccess('POST', LEASE_HEARTBEAT_ROUTE),
        answer: (queue, request) => answerLeaseHeartbeat(queue, String(routeParam(request, 'leaseId')), request.body),
      },
    ],
  ]);

  constructor(private readonly context: FastPathContext) {}

  onModuleInit(): void {
    this.context.addHook('preHandler', (request, reply, done) => {
      const route = request.method === 'POST' ? this.routes.get(request.routeOptions?.url ?? '') : undefined;
      if (route === undefined) {
        done();
        return;
      }
      void this.answer(route, request, reply);
    });
  }

  /** In Nest's order: the guard first, then the controller's answer. Settles every request (never rejects). */
  private async answer(route: LeaseRoute, request: HookRequest, reply: HookReply): Promise<void> {
    try {
      const allowed = this.context.guard.checkRoute(route.access, request, reply);
      if (allowed !== true) await allowed;
      const answer = await route.answer(this.context.queue, request);
      reply.code(answer.status).send(answer.body);
    } catch (error) {
      sendFailure(reply, error, this.logger, route.what);
    }
  }
}
