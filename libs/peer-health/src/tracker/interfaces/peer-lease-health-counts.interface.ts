import type { PeerLeaseHealthSummary } from '../../base/interfaces/peer-lease-health-snapshot.interface';

/** Live counts kept incrementally; `trackedPeers` includes both healthy and unhealthy peers. */
export interface PeerLeaseHealthCounts extends PeerLeaseHealthSummary {
  readonly trackedPeers: number;
}
