import { SetMetadata } from '@nestjs/common';

import type { PeerHealthSnapshotProvider as SnapshotProviderContract } from '../base/interfaces/peer-health-snapshot-provider.interface';

/** Metadata key set by the `@PeerHealthSnapshotProvider()` decorator. */
export const PEER_HEALTH_SNAPSHOT_PROVIDER_METADATA = 'omnirelay:peer-health:snapshot-provider';

/**
 * Registers the decorated class as a snapshot provider. Declare it as a provider in any module of
 * the application; the kit discovers it when the application initializes and appends it to
 * `PEER_HEALTH_SNAPSHOT_PROVIDERS`.
 */
export function PeerHealthSnapshotProvider(): ClassDecorator {
  return SetMetadata(PEER_HEALTH_SNAPSHOT_PROVIDER_METADATA, true);
}

/**
 * The provider contract, under the decorator's name so that one import serves both uses.
 * @see SnapshotProviderContract in base/interfaces
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merges the contract with the decorator of the same name
export interface PeerHealthSnapshotProvider extends SnapshotProviderContract {}
