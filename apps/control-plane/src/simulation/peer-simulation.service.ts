import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import {
  GOSSIP_LEFT_REASON,
  PeerLeaseHealthTracker,
  recordGossipMember,
  recordLeadership,
  type PeerLeaseHandle,
} from '@omnirelay/peer-health';
import { TransportHealthProvider } from './transport-health.provider';

interface SimulatedWorker {
  readonly id: string;
  readonly region: string;
  lease: PeerLeaseHandle | undefined;
  nextSequence: number;
  pending: number;
}

const TICK_MS = 1000;
/** The quiet worker goes silent for this many ticks out of every QUIET_CYCLE. */
const QUIET_TICKS = 9;
const QUIET_CYCLE = 20;

/**
 * Stand-in for the gossip, leadership and dispatcher services until they exist: three workers take
 * leases and heartbeat, one of them periodically goes quiet (and turns unhealthy on time, by itself),
 * a control-plane peer gossips its metadata and leadership, and an old member has left.
 */
@Injectable()
export class PeerSimulationService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('PeerSimulation');
  private readonly workers: SimulatedWorker[] = ['worker-1', 'worker-2', 'worker-quiet'].map((id, index) => ({
    id,
    region: index % 2 === 0 ? 'eu-west' : 'us-east',
    lease: undefined,
    nextSequence: index * 1000 + 1,
    pending: 0,
  }));
  private interval: NodeJS.Timeout | undefined;
  private tick = 0;

  constructor(
    private readonly tracker: PeerLeaseHealthTracker,
    private readonly transport: TransportHealthProvider,
  ) {}

  onApplicationBootstrap(): void {
    recordGossipMember(this.tracker, {
      nodeId: 'cp-1',
      role: 'control-plane',
      cluster: 'local',
      region: 'eu-west',
      meshVersion: '1.4.0',
      http3: true,
      labels: { zone: 'a' },
    });
    recordLeadership(this.tracker, 'cp-1', 'global', 'leader');
    recordGossipMember(this.tracker, { nodeId: 'cp-old', role: 'control-plane', cluster: 'local', region: 'us-east' });
    this.tracker.recordDisconnect('cp-old', GOSSIP_LEFT_REASON);
    for (const worker of this.workers) {
      recordGossipMember(this.tracker, {
        nodeId: worker.id,
        role: 'worker',
        cluster: 'local',
        region: worker.region,
        meshVersion: '1.4.0',
        http3: false,
        labels: { pool: 'blue' },
      });
      recordLeadership(this.tracker, worker.id, 'global', 'follower');
      this.transport.connected(worker.id, 'http2', Date.now());
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
      const quiet = worker.id === 'worker-quiet' && this.tick % QUIET_CYCLE < QUIET_TICKS;
      if (quiet) {
        this.transport.dropped(worker.id);
        continue;
      }
      this.transport.connected(worker.id, 'http2', Date.now());
      if (!worker.lease) {
        worker.lease = { sequenceId: worker.nextSequence++, attempt: 1, leaseId: randomUUID() };
        this.tracker.recordLeaseAssignment(worker.id, worker.lease, 'catalog', `sku-${worker.nextSequence % 50}`);
      } else if (this.tick % 5 === 0) {
        // Finish the work; every third item is handed back for someone else.
        this.tracker.recordLeaseReleased(worker.id, worker.lease, worker.lease.sequenceId % 3 === 0);
        worker.lease = undefined;
      } else {
        worker.pending = (worker.pending + 3) % 17;
        this.tracker.recordLeaseHeartbeat(worker.id, worker.lease, worker.pending);
      }
    }
  }
}
