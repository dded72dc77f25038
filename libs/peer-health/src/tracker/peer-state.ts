import type { PeerCounterCell } from './peer-event-counters';
import type { PeerLeaseHandle } from '../base/interfaces/peer-lease-handle.interface';
import type { PeerLeaseHealthSnapshot } from '../base/interfaces/peer-lease-health-snapshot.interface';

/** Marks "never heartbeated"; compares below every real time. */
export const NEVER = Number.NEGATIVE_INFINITY;


/**
 * The tracker's mutable record of one peer. Never handed out: callers get snapshots.
 * @internal
 */
export class PeerState {
  // Fields in the order the heartbeat path touches them (V8 lays them out in assignment order).
  /** Status as last evaluated; kept current by the tracker's deadline processing. */
  healthy = true;
  disconnected = false;
  lastHeartbeat = NEVER;
  /** Last event of any kind, for retention. */
  lastActivity = 0;
  /** Whether the peer has an entry in the expiry / retention wheel. */
  inExpiry = false;
  inRetention = false;
  /** Last pending count written to metadata, to skip rebuilding an unchanged string. */
  lastPendingCount = -1;
  /** Where in `metadata` the heartbeat path last wrote `pending.count` (checked before it is trusted). */
  pendingCountAt = -1;
  /** Cached immutable snapshot and wire-format fragment, dropped on any change (see changed()). */
  snapshot: PeerLeaseHealthSnapshot | undefined;
  /**
   * Where the peer's wire entry (UTF-8, no separator) sits in the last body the tracker renderer
   * wrote: bytes [fragmentStart, fragmentEnd) of fragmentChunk. Unset when the peer changed since.
   */
  fragmentChunk: Buffer | undefined;
  fragmentStart = 0;
  fragmentEnd = 0;
  evicted = false;
  /** Active leases, sorted by sequenceId, attempt, leaseId (see peer-collections). */
  leases: PeerLeaseHandle[] | undefined;
  /** Grows whenever `leases` changes: a recorder's remembered lease is still held while it is equal. */
  leasesVersion = 0;
  /**
   * Metadata as a flat list [key, value, key, value, ...], sorted by key case-insensitively (see
   * peer-collections): no object per entry, which halves what a peer's metadata costs.
   */
  metadata: string[] | undefined;
  lastDisconnect: number | undefined;
  pendingReassignments = 0;
  flapWindowStart = NEVER;
  flapCount = 0;

  constructor(
    readonly peerId: string,
    readonly counters: PeerCounterCell,
  ) {}

  /** Drops what was derived from the old state. */
  changed(): void {
    this.snapshot = undefined;
    this.fragmentChunk = undefined;
  }
}
