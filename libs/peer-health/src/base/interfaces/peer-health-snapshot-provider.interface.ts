import type { PeerLeaseHealthSnapshot } from './peer-lease-health-snapshot.interface';

/**
 * The extension point: anything that knows about peers (the tracker, transport-level health,
 * a sidecar's view...) implements this and is merged into the diagnostics endpoint.
 */
export interface PeerHealthSnapshotProvider {
  /** Whether this source would hand work to `peerId` now; a peer it has never seen is eligible. */
  isPeerEligible(peerId: string): boolean;
  /** Immutable snapshots of the peers this source knows, health evaluated now; any order. */
  snapshot(): readonly PeerLeaseHealthSnapshot[] | Promise<readonly PeerLeaseHealthSnapshot[]>;
  /**
   * Optional: a number that changes whenever the provider's snapshot would change. When every
   * provider has one, the endpoint answers with an ETag and `304 Not Modified` on `If-None-Match`.
   */
  readonly version?: number;
}
