import type { Clock } from '../base/interfaces/clock.interface';
import type { PeerHealthAnomalyEvent, PeerHealthAnomalyListener } from '../base/interfaces/peer-health-stream-events.interface';
import { ListenerSet } from './listener-set';
import type { PeerEventCounters } from './peer-event-counters';

/**
 * Tells listeners of each anomaly as it is counted. The counters' hook is set only while somebody
 * listens, so that counting an anomaly builds nothing otherwise.
 * @internal
 */
export class AnomalyFeed {
  private readonly listeners: ListenerSet<PeerHealthAnomalyEvent>;

  constructor(
    private readonly counters: PeerEventCounters,
    private readonly clock: Clock,
    listenerFailed: (error: unknown) => void,
  ) {
    this.listeners = new ListenerSet(listenerFailed);
  }

  subscribe(listener: PeerHealthAnomalyListener): () => void {
    const off = this.listeners.add(listener);
    this.counters.anomalyHook = (kind, count) => {
      this.listeners.emit({ kind, count, at: this.clock.now() });
    };
    return () => {
      off();
      if (this.listeners.size === 0) this.counters.anomalyHook = undefined;
    };
  }
}
