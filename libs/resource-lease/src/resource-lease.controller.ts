import { Body, Controller, Get, HttpCode, HttpException, Param, Post, Res } from '@nestjs/common';
import type { LeaseGrant, ResourceLeaseStats, WorkerHeartbeatResult, WorkItemView } from './interfaces/resource-lease.interfaces';
import { answerLeaseHeartbeat } from './heartbeat/lease-heartbeat-answer';
import { answerLeaseRequest } from './lease-request-answer';
import { answerWorkerHeartbeat } from './heartbeat/worker-heartbeat-answer';
import { parseLeaseReference, parseWorkItem } from './lease-request-validation';
import { LeaseRequestError } from './errors/lease-request.error';
import { ResourceLeaseQueue } from './resource-lease.queue';
import { RESOURCE_LEASE_ROUTE_PREFIX, RESOURCE_LEASE_ROUTES } from './resource-lease.routes';

/** Minimal reply surface, so the controller works on any HTTP adapter. */
interface StatusReply {
  status(code: number): unknown;
}

async function answer<T>(action: () => T | Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof LeaseRequestError) {
      throw new HttpException(error.body, error.status);
    }
    throw error;
  }
}

/** The dispatcher's HTTP API for producers and workers. Refusals are 4xx JSON bodies. */
@Controller(RESOURCE_LEASE_ROUTE_PREFIX)
export class ResourceLeaseController {
  constructor(private readonly queue: ResourceLeaseQueue) {}

  @Post(RESOURCE_LEASE_ROUTES.work)
  @HttpCode(201)
  enqueue(@Body() body: unknown): Promise<{ sequenceId: number }> {
    return answer(async () => ({ sequenceId: await this.queue.enqueue(parseWorkItem(body)) }));
  }

  @Get(RESOURCE_LEASE_ROUTES.work)
  stats(): Promise<ResourceLeaseStats> {
    return answer(() => this.queue.stats());
  }

  @Get(RESOURCE_LEASE_ROUTES.item)
  item(@Param('sequenceId') sequenceId: string): Promise<WorkItemView> {
    return answer(() => {
      // Decimal digits only: Number() would also take "0x10", "1e3" or " 7 ".
      const id = /^[1-9][0-9]{0,15}$/.test(sequenceId) ? Number(sequenceId) : Number.NaN;
      if (!Number.isSafeInteger(id)) throw new LeaseRequestError(400, 'invalid-request', 'sequenceId must be a positive decimal integer');
      return this.queue.item(id);
    });
  }

  /** 200 with the lease, or 204 when nothing is pending. */
  @Post(RESOURCE_LEASE_ROUTES.leases)
  lease(@Body() body: unknown, @Res({ passthrough: true }) reply: StatusReply): Promise<LeaseGrant | undefined> {
    return answer(async () => {
      const lease = await answerLeaseRequest(this.queue, body);
      reply.status(lease.status);
      return lease.body;
    });
  }

  @Post(RESOURCE_LEASE_ROUTES.leaseHeartbeat)
  @HttpCode(200)
  heartbeat(@Param('leaseId') leaseId: string, @Body() body: unknown): Promise<{ ok: true }> {
    return answer(async () => (await answerLeaseHeartbeat(this.queue, leaseId, body)).body);
  }

  @Post(RESOURCE_LEASE_ROUTES.leaseComplete)
  @HttpCode(200)
  complete(@Param('leaseId') leaseId: string, @Body() body: unknown): Promise<{ ok: true }> {
    return answer(async () => {
      await this.queue.complete(leaseId, parseLeaseReference(body));
      return { ok: true };
    });
  }

  @Post(RESOURCE_LEASE_ROUTES.leaseFail)
  @HttpCode(200)
  fail(@Param('leaseId') leaseId: string, @Body() body: unknown): Promise<{ ok: true }> {
    return answer(async () => {
      await this.queue.fail(leaseId, parseLeaseReference(body));
      return { ok: true };
    });
  }

  /** Renews the worker's leases (the named ones, or all): 204, or 200 `{ renewed, lost }` when some named ones were not. */
  @Post(RESOURCE_LEASE_ROUTES.workerHeartbeat)
  workerHeartbeat(
    @Param('workerId') workerId: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: StatusReply,
  ): Promise<WorkerHeartbeatResult | undefined> {
    return answer(async () => {
      const heartbeat = await answerWorkerHeartbeat(this.queue, workerId, body);
      reply.status(heartbeat.status);
      return heartbeat.body;
    });
  }
}
