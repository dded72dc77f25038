import type { PeerHealthProviderAnswer } from './peer-health-provider-answer.interface';
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
  /**
   * Optional, for providers that gather several sources (other hosts): the snapshots together with
   * the sources that could not be read. When present, the endpoint calls it instead of `snapshot()`
   * and names each missing source in the partial-answer header.
   */
  partialSnapshot?(): PeerHealthProviderAnswer | Promise<PeerHealthProviderAnswer>;
  /**
   * Optional, for providers that read other hosts' endpoints: how many hosts they would read now.
   * Such a provider is left out of a federated read (one that carries the `X-Peer-Health-Federated`
   * header), so federation never goes further than one hop; while the count is 0 it is left out of
   * every answer, and a host without remote sources keeps its fastest path.
   */
  readonly remoteSourceCount?: number;
}
