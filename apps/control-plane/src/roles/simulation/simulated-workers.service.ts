import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { LeaseRequestError, ResourceLeaseQueue, type LeaseGrant } from '@omnirelay/resource-lease';
import { PeerLeaseHealthTracker, recordGossipMember } from '@omnirelay/peer-health';
import { TransportHealthProvider } from './transport-health.provider';

interface SimulatedWorker {
  readonly id: string;
  readonly region: string;
  grant: LeaseGrant | undefined;
  ticksOnItem: number;
}

const TICK_MS = 1000;
const TICKS_PER_ITEM = 3;
/** worker-quiet is silent for this many ticks out of every QUIET_CYCLE: long enough for its lease to expire. */
const QUIET_TICKS = 9;
const QUIET_CYCLE = 20;

/**
 * The all-in-one role's in-process workers: they lease work from the dispatcher queue, heartbeat
 * and complete it; one of them periodically goes quiet (its lease expires, it turns unhealthy by
 * itself) and comes back, so a newcomer sees real transitions.
 */
@Injectable()
export class SimulatedWorkersService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('SimulatedWorkers');
  private readonly workers: SimulatedWorker[] = ['worker-1', 'worker-2', 'worker-quiet'].map((id, index) => ({
    id,
    region: index % 2 === 0 ? 'eu-west' : 'us-east',
    grant: undefined,
    ticksOnItem: 0,
  }));
  private interval: NodeJS.Timeout | undefined;
  private tick = 0;

  constructor(
    private readonly queue: ResourceLeaseQueue,
    private readonly tracker: PeerLeaseHealthTracker,
    private readonly transport: TransportHealthProvider,
  ) {}

  onApplicationBootstrap(): void {
    for (const worker of this.workers) {
      recordGossipMember(this.tracker, {
        nodeId: worker.id,
        role: 'worker',
        cluster: 'local',
        region: worker.region,
        meshVersion: '1.4.0',
        http3: false,
        labels: { pool: 'blue', simulated: 'true' },
      });
    }
    this.tracker.onTransition((t) => this.logger.log(`${t.peerId}: ${t.from} -> ${t.to} (${t.reason})`));
    this.interval = setInterval(() => this.step(), TICK_MS);
    this.interval.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.interval);
  }

  private step(): void {
    this.tick++;
    for (const worker of this.workers) {
      if (worker.id === 'worker-quiet' && this.tick % QUIET_CYCLE < QUIET_TICKS) {
        this.transport.dropped(worker.id);
        continue;
      }
      this.transport.connected(worker.id, 'http2', Date.now());
      void this.work(worker);
    }
  }

  private async work(worker: SimulatedWorker): Promise<void> {
    const grant = worker.grant;
    try {
      if (grant) {
        const reference = { workerId: worker.id, sequenceId: grant.sequenceId, attempt: grant.attempt };
        if (++worker.ticksOnItem < TICKS_PER_ITEM) {
          await this.queue.heartbeat(grant.leaseId, reference, worker.ticksOnItem);
          return;
        }
        worker.grant = undefined;
        // Every fifth item is handed back for someone else, so requeues show up too.
        if (grant.sequenceId % 5 === 0) await this.queue.fail(grant.leaseId, reference);
        else await this.queue.complete(grant.leaseId, reference);
      }
      await this.queue.workerHeartbeat(worker.id);
      worker.grant = await this.queue.lease(worker.id);
      worker.ticksOnItem = 0;
    } catch (error) {
      // An expired lease (the quiet worker's) is refused, or the store is unreachable: drop it and take the next item.
      if (!(error instanceof LeaseRequestError)) this.logger.error(error instanceof Error ? error.message : String(error));
      worker.grant = undefined;
    }
  }
}
