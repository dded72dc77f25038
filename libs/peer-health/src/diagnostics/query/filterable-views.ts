import type { PeerLeaseHealthSnapshot } from '../../base/interfaces/peer-lease-health-snapshot.interface';
import { findMetadata, type PeerState } from '../../tracker/tracker-read-model';
import type { FilterablePeer } from './filterable-peer';

/**
 * A tracker state seen as a FilterablePeer. One view is re-pointed at each peer in turn, so a scan
 * over 100,000 peers allocates nothing per peer.
 */
export class TrackerPeerView implements FilterablePeer {
  private state: PeerState | undefined;

  of(state: PeerState): this {
    this.state = state;
    return this;
  }

  get peerId(): string {
    return this.state?.peerId ?? '';
  }

  get isHealthy(): boolean {
    return this.state?.healthy ?? false;
  }

  metadataValue(lowerKey: string): string | undefined {
    const state = this.state;
    if (!state) return undefined;
    const index = findMetadata(state, lowerKey);
    return index < 0 ? undefined : state.metadata?.[index + 1];
  }
}

/** A merged snapshot seen as a FilterablePeer (re-pointed like TrackerPeerView). */
export class SnapshotPeerView implements FilterablePeer {
  private snapshot: PeerLeaseHealthSnapshot | undefined;

  of(snapshot: PeerLeaseHealthSnapshot): this {
    this.snapshot = snapshot;
    return this;
  }

  get peerId(): string {
    return this.snapshot?.peerId ?? '';
  }

  get isHealthy(): boolean {
    return this.snapshot?.isHealthy ?? false;
  }

  metadataValue(lowerKey: string): string | undefined {
    const metadata = this.snapshot?.metadata;
    if (!metadata) return undefined;
    for (const key of Object.keys(metadata)) {
      if (key === lowerKey || key.toLowerCase() === lowerKey) {
        const value = metadata[key];
        return typeof value === 'string' ? value : undefined;
      }
    }
    return undefined;
  }
}
