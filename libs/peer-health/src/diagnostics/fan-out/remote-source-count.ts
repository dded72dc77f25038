import type { PeerHealthSnapshotProvider } from '../../base/interfaces/peer-health-snapshot-provider.interface';

/** A provider's `remoteSourceCount`; a getter that throws counts as "has sources", so the failure shows in the answer. */
export function remoteSourceCountOf(provider: PeerHealthSnapshotProvider): unknown {
  try {
    return provider.remoteSourceCount;
  } catch {
    return 1;
  }
}
