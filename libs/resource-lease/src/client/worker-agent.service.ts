import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { LeaseGrant } from '../interfaces/resource-lease.interfaces';
import type { HttpAnswer, WorkerAgentSettings } from '../interfaces/work-api-client.interfaces';
import { RESOURCE_LEASE_ROUTES } from '../resource-lease.routes';
import { workApiPath } from './work-api-path';

interface HeldLease {
  readonly grant: LeaseGrant;
  readonly startedAt: number;
}

/**
 * Answers that say the dispatcher could not decide now (its store unreachable, an etcd election, a
 * throttle, a timeout), not that the lease is gone: the lease is kept and the call made again next tick.
 */
function isTransient(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * A worker of the dispatcher's HTTP work API: every heartbeat interval it heartbeats its lease (or,
 * idle, itself), finishes the item once the work time has passed, and asks the dispatcher for the
 * next one. A completion or heartbeat without an answer, or answered 408, 429 or 5xx, keeps the lease
 * and is sent again next tick (a completion that did commit answers 200 again); a refusal (404 gone,
 * 409 held for another attempt, 403 not ours) drops it. Call `start()`; the application's shutdown stops it.
 */
@Injectable()
export class WorkerAgentService implements OnApplicationShutdown {
  private readonly logger = new Logger('WorkerAgent');
  private timer: NodeJS.Timeout | undefined;
  private held: HeldLease | undefined;
  private completed = 0;
  private ticking = false;
  private refusalReported = false;

  constructor(private readonly settings: WorkerAgentSettings) {}

  start(): void {
    this.timer ??= setInterval(() => void this.tick(), this.settings.heartbeatIntervalMs);
    void this.tick();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async tick(): Promise<void> {
    // One tick at a time: a slow dispatcher must not make two ticks lease twice.
    if (this.ticking) return;
    this.ticking = true;
    try {
      const held = this.held;
      if (held) {
        const reference = { workerId: this.settings.workerId, sequenceId: held.grant.sequenceId, attempt: held.grant.attempt };
        if (Date.now() - held.startedAt >= this.settings.workMs) {
          const answer = await this.post(workApiPath(RESOURCE_LEASE_ROUTES.leaseComplete, held.grant.leaseId), reference);
          if (isTransient(answer.status)) return;
          this.held = undefined;
          if (answer.status === 200) this.completed++;
        } else {
          await this.post(workApiPath(RESOURCE_LEASE_ROUTES.leaseHeartbeat, held.grant.leaseId), { ...reference, pendingCount: this.completed });
          return;
        }
      }
      // Idle: alive, and no lease to renew (an empty list skips the dispatcher's look-up of held leases).
      await this.post(workApiPath(RESOURCE_LEASE_ROUTES.workerHeartbeat, encodeURIComponent(this.settings.workerId)), { pendingCount: 0, leaseIds: [] });
      const response = await this.post(workApiPath(RESOURCE_LEASE_ROUTES.leases), { workerId: this.settings.workerId });
      if (response.status === 200) this.held = { grant: JSON.parse(response.body) as LeaseGrant, startedAt: Date.now() };
    } catch (error) {
      // The dispatcher may be restarting: the next tick tries again.
      this.logger.debug(`dispatcher call failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.ticking = false;
    }
  }

  private async post(path: string, body: unknown): Promise<HttpAnswer> {
    const response = await this.settings.client.post(
      `${this.settings.dispatcherUrl}${path}`,
      JSON.stringify(body),
      Math.max(1000, this.settings.heartbeatIntervalMs),
    );
    // A refused heartbeat or completion (404 unknown lease, 409 held for another attempt, 403 not ours)
    // means the dispatcher requeued the item: drop the lease and ask for work again.
    if (response.status >= 400 && !isTransient(response.status) && path.includes('/leases/')) this.held = undefined;
    if ((response.status === 401 || response.status === 403) && !this.refusalReported) {
      // Once: a wrong token is refused on every tick.
      this.refusalReported = true;
      this.logger.warn(`the dispatcher refused ${path} with HTTP ${response.status}: check --auth-token and the tokens file`);
    }
    return response;
  }
}
