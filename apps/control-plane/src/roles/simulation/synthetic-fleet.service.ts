import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { PeerLeaseHealthTracker, type PeerLeaseHandle, type PeerRecorder } from '@omnirelay/peer-health';

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
  /** One bound recorder per synthetic worker, as a producer holding a connection per peer would. */
  private readonly recorders: PeerRecorder[];
  private readonly handles: PeerLeaseHandle[];
  private cursor = 0;
  /** Events recorded so far: the churn is one in so many events of the fleet, whatever the tick size. */
  private recorded = 0;
  private nextSequence: number;

  constructor(
    tracker: PeerLeaseHealthTracker,
    private readonly settings: SyntheticFleetSettings,
  ) {
    this.ids = Array.from({ length: settings.peers }, (_, i) => `synthetic-${String(i).padStart(7, '0')}`);
    this.recorders = this.ids.map((id) => tracker.peer(id));
    this.handles = this.ids.map((_, i) => this.lease(i + 1));
    this.nextSequence = settings.peers + 1;
  }

  onApplicationBootstrap(): void {
    this.recorders.forEach((recorder, i) => {
      recorder.gossip({ 'mesh.role': 'worker', 'mesh.region': `region-${i % 4}`, 'label.synthetic': 'true' });
      recorder.assign(this.handles[i] ?? this.lease(i + 1), 'synthetic', `item-${i % 100}`);
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
      const recorder = this.recorders[i];
      if (!recorder) continue;
      const handle = this.handles[i] ?? this.lease(i + 1);
      const n = this.recorded++;
      if (n % 97 === 0) {
        recorder.release(handle, true);
        const next = this.lease(this.nextSequence++);
        this.handles[i] = next;
        recorder.assign(next, 'synthetic', `item-${i % 100}`);
      } else if (n % 499 === 0) {
        recorder.disconnect('synthetic-churn');
      } else {
        recorder.heartbeat(handle, k % 16);
      }
    }
  }
}
