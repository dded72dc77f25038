import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { LeaseRequestError, ResourceLeaseQueue } from '@omnirelay/resource-lease';

const RESOURCE_TYPES = ['catalog', 'invoice', 'report'] as const;
/** Stop producing while this many items wait, so an idle demo does not grow without bound. */
const MAX_BACKLOG = 200;

/** Steady demo traffic for a dispatcher: one work item every interval. */
@Injectable()
export class WorkProducerService implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;
  private produced = 0;
  private producing = false;

  constructor(
    private readonly queue: ResourceLeaseQueue,
    private readonly intervalMs: number,
  ) {}

  onApplicationBootstrap(): void {
    if (this.intervalMs <= 0) return;
    this.timer = setInterval(() => void this.produce(), this.intervalMs);
    this.timer.unref();
  }

  private async produce(): Promise<void> {
    if (this.producing) return;
    this.producing = true;
    try {
      if ((await this.queue.stats()).pending >= MAX_BACKLOG) return;
      const n = this.produced++;
      await this.queue.enqueue({ resourceType: RESOURCE_TYPES[n % RESOURCE_TYPES.length] ?? 'catalog', resourceId: `item-${n}`, payload: { n } });
    } catch (error) {
      // A full queue (--max-queued-items) or an unreachable store refuses the item: produce again on the next tick.
      if (!(error instanceof LeaseRequestError)) throw error;
    } finally {
      this.producing = false;
    }
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }
}
