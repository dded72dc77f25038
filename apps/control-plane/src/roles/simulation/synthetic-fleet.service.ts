import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { PeerLeaseHealthTracker, type PeerLeaseHandle } from '@omnirelay/peer-health';

export interface SyntheticFleetSettings {
  readonly peers: number;
  readonly eventsPerSecond: number;
}

const TICK_MS = 10;

/**
 * Fleet-scale load for trying the kit (and for the hyperscale tier): `peers` synthetic workers,
 * each with a lease, heart-beating in 10 ms ticks at `eventsPerSecond` in total, with a release and
 * reassignment or a disconnect now and then.
 */
@Injectable()
export class SyntheticFleetService implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;
  private readonly ids: string[];
  private readonly handles: PeerLeaseHandle[];
  private cursor = 0;
  private nextSequence: number;

  constructor(
    private readonly tracker: PeerLeaseHealthTracker,
    private readonly settings: SyntheticFleetSettings,
  ) {
    this.ids = Array.from({ length: settings.peers }, (_, i) => `synthetic-${String(i).padStart(7, '0')}`);
    this.handles = this.ids.map((_, i) => this.lease(i + 1));
    this.nextSequence = settings.peers + 1;
  }

  onApplicationBootstrap(): void {
    this.ids.forEach((id, i) => {
      this.tracker.recordGossip(id, { 'mesh.role': 'worker', 'mesh.region': `region-${i % 4}`, 'label.synthetic': 'true' });
      this.tracker.recordLeaseAssignment(id, this.handles[i] ?? this.lease(i + 1), 'synthetic', `item-${i % 100}`);
    });
    const perTick = Math.max(1, Math.round((this.settings.eventsPerSecond * TICK_MS) / 1000));
    this.timer = setInterval(() => this.tick(perTick), TICK_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  private lease(sequenceId: number): PeerLeaseHandle {
    return { sequenceId, attempt: 1, leaseId: `00000000-0000-4000-8000-${sequenceId.toString(16).padStart(12, '0')}` };
  }

  private tick(events: number): void {
    for (let k = 0; k < events; k++) {
      const i = this.cursor;
      this.cursor = (this.cursor + 7919) % this.ids.length;
      const id = this.ids[i] ?? '';
      const handle = this.handles[i] ?? this.lease(i + 1);
      if (k % 97 === 0) {
        this.tracker.recordLeaseReleased(id, handle, true);
        const next = this.lease(this.nextSequence++);
        this.handles[i] = next;
        this.tracker.recordLeaseAssignment(id, next, 'synthetic', `item-${i % 100}`);
      } else if (k % 499 === 0) {
        this.tracker.recordDisconnect(id, 'synthetic-churn');
      } else {
        this.tracker.recordLeaseHeartbeat(id, handle, k % 16);
      }
    }
  }
}
