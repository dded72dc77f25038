import { findMetadata } from './peer-collections';
import type { PeerEventCounters } from './peer-event-counters';
import { putMetadata, type ResolvedMetadataLimits, WELL_KNOWN_KEYS } from './peer-metadata';
import { pendingCountText, type PeerState } from './peer-state';

/**
 * The recording path's writes of a peer's metadata: the well-known keys the tracker sets itself and
 * the entries of gossip. An entry that is dropped (not a string, over a limit) is counted as an
 * anomaly, never thrown.
 * @internal
 */
export class PeerMetadataWriter {
  constructor(
    private readonly limits: ResolvedMetadataLimits,
    private readonly counters: PeerEventCounters,
  ) {}

  /** Sets `pending.count` from a heartbeat. */
  writePendingCount(peer: PeerState, pendingCount: number): void {
    const text = pendingCountText(pendingCount);
    // The entry this path wrote is still where it was: note the new count on the peer, and let the
    // next reader of the list write it (PeerState.metadata), without touching the list here.
    if (peer.pendingCountAt >= 0 && peer.lastPendingCount >= 0 && text.length <= this.limits.maxValueLength) {
      peer.lastPendingCount = pendingCount;
      peer.pendingCountUnwritten = true;
      peer.changed();
      return;
    }
    const dropped = putMetadata(peer, WELL_KNOWN_KEYS.pendingCount, text, this.limits, WELL_KNOWN_KEYS.pendingCount);
    if (dropped) {
      this.counters.recordAnomaly(dropped);
      return;
    }
    peer.lastPendingCount = pendingCount;
    peer.pendingCountAt = findMetadata(peer, WELL_KNOWN_KEYS.pendingCount);
  }

  /** Writes a well-known key when `value` is a non-blank string; returns what was written, or ''. */
  writeWellKnown(peer: PeerState, key: string, value: unknown): string {
    if (value === undefined || value === null) return '';
    if (typeof value !== 'string') {
      this.counters.recordAnomaly('metadata-invalid');
      return '';
    }
    if (value.trim().length === 0) return '';
    const dropped = putMetadata(peer, key, value, this.limits, key);
    if (dropped) {
      this.counters.recordAnomaly(dropped);
      return '';
    }
    return value;
  }

  /** Merges gossip metadata, entry by entry. */
  writeGossip(peer: PeerState, metadata: Readonly<Record<string, string>> | ReadonlyMap<string, string>): void {
    if (metadata instanceof Map) {
      for (const [key, value] of metadata as ReadonlyMap<unknown, unknown>) this.writeGossipEntry(peer, key, value);
    } else {
      const record = metadata as Readonly<Record<string, unknown>>;
      for (const key of Object.keys(record)) this.writeGossipEntry(peer, key, record[key]);
    }
  }

  private writeGossipEntry(peer: PeerState, key: unknown, value: unknown): void {
    const dropped = putMetadata(peer, key, value, this.limits);
    if (dropped) this.counters.recordAnomaly(dropped);
  }
}
