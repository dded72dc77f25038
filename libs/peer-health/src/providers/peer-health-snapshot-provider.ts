import { SetMetadata } from '@nestjs/common';
import type { PeerLeaseHealthSnapshot } from '../tracker/interfaces/peer-lease-health-snapshot.interface';

/** Metadata key set by the `@PeerHealthSnapshotProvider()` decorator. */
export const PEER_HEALTH_SNAPSHOT_PROVIDER_METADATA = 'omnirelay:peer-health:snapshot-provider';

/**
 * The extension point: anything that knows about peers (the tracker, transport-level health,
 * a sidecar's view...) implements this and is merged into the diagnostics endpoint.
 */
export interface PeerHealthSnapshotProvider {
  isPeerEligible(peerId: string): boolean;
  snapshot(): readonly PeerLeaseHealthSnapshot[] | Promise<readonly PeerLeaseHealthSnapshot[]>;
  /**
   * Optional: a number that changes whenever the provider's snapshot would change. When every
   * provider has one, the endpoint answers with an ETag and `304 Not Modified` on `If-None-Match`.
   */
  readonly version?: number;
}

/**
 * Registers the decorated class as a snapshot provider. Declare it as a provider in any module of
 * the application; the kit discovers it when the application initializes and appends it to
 * `PEER_HEALTH_SNAPSHOT_PROVIDERS`.
 */
export function PeerHealthSnapshotProvider(): ClassDecorator {
  return SetMetadata(PEER_HEALTH_SNAPSHOT_PROVIDER_METADATA, true);
}
