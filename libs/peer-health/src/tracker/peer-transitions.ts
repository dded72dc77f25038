import type { PeerHealthStatus, PeerHealthTransitionReason } from '../base/interfaces/peer-health-transition.interface';
import type { FlapDetector } from './flap-detector';
import type { PeerEventCounters } from './peer-event-counters';
import type { PeerState } from './peer-state';
import type { PeerTable } from './peer-table';
import type { TrackerEventQueue } from './tracker-event-queue';

/**
 * A peer's changes of status, healthy to unhealthy and back, and its eviction: each keeps the
 * table's counts, is counted, watched for flapping and queued for transition listeners.
 * @internal
 */
export class PeerTransitions {
  constructor(
    private readonly table: PeerTable,
    private readonly counters: PeerEventCounters,
    private readonly flapping: FlapDetector,
    private readonly events: TrackerEventQueue,
  ) {}

  setHealthy(peer: PeerState, healthy: boolean, reason: PeerHealthTransitionReason, at: number): void {
    if (peer.healthy === healthy) return;
    peer.healthy = healthy;
    const table = this.table;
    table.changed(peer);
    const from: PeerHealthStatus = healthy ? 'unhealthy' : 'healthy';
    const to: PeerHealthStatus = healthy ? 'healthy' : 'unhealthy';
    if (healthy) {
      table.healthyPeers++;
      table.unhealthyPeers--;
    } else {
      table.healthyPeers--;
      table.unhealthyPeers++;
    }
    this.counters.recordTransition(from, to, reason);
    this.flapping.record(peer, at);
    if (this.events.listening) this.events.pushTransition({ peerId: peer.peerId, from, to, reason, at });
  }

  /** The peer's retention ended at `at`: it is forgotten. */
  evict(peer: PeerState, at: number): void {
    this.table.remove(peer);
    const from: PeerHealthStatus = peer.healthy ? 'healthy' : 'unhealthy';
    this.counters.recordTransition(from, 'evicted', 'retention');
    if (this.events.listening) this.events.pushTransition({ peerId: peer.peerId, from, to: 'evicted', reason: 'retention', at });
  }
}
