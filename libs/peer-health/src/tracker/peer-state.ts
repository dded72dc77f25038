import type { PeerCounterCell } from './peer-event-counters';
import type { PeerLeaseHandle } from '../base/interfaces/peer-lease-handle.interface';
import type { PeerLeaseHealthSnapshot } from '../base/interfaces/peer-lease-health-snapshot.interface';

/** Decimal strings of small pending counts, so the common heartbeat allocates none. */
const SMALL_COUNTS: readonly string[] = Array.from({ length: 1024 }, (_, n) => String(n));

/** The wire text of a pending count. */
export function pendingCountText(count: number): string {
  return SMALL_COUNTS[count] ?? String(count);
}

/** Marks "never heartbeated"; compares below every real time. */
export const NEVER = Number.NEGATIVE_INFINITY;


/**
 * The tracker's mutable record of one peer. Never handed out: callers get snapshots.
 * @internal
 */
export class PeerState {
  // Fields the recording path touches come first, in the order it touches them: V8 lays fields out
  // in assignment order, and at fleet scale every cache line of a peer that an event reaches is a
  // miss. Every field is initialized here, so that all peers share one layout from the start.
  evicted = false;
  /** Grows whenever `leases` changes: the held lease below is still in the list while it is equal. */
  leasesVersion = 0;
  /**
   * The lease the last heartbeat's handle matched, with its values and the list's version then. A
   * heartbeat naming the same values while the list is unchanged takes it without walking the list
   * (the list, its backing store and the lease object: three more cache misses). Values are kept,
   * never the caller's object, so a caller reusing or mutating its handle cannot fool it.
   */
  heldLease: PeerLeaseHandle | undefined = undefined;
  heldLeaseId = '';
  heldSequenceId = -1;
  heldAttempt = -1;
  heldLeasesVersion = -1;
  /** Status as last evaluated; kept current by the tracker's deadline processing. */
  healthy = true;
  disconnected = false;
  /** Last event of any kind, for retention. */
  lastActivity = 0;
  lastHeartbeat = NEVER;
  /** Whether the peer has an entry in the expiry / retention wheel. */
  inExpiry = false;
  inRetention = false;
  /** Last pending count a heartbeat gave, to skip an unchanged one. */
  lastPendingCount = -1;
  /**
   * Where `pending.count` sits in the metadata list, while the heartbeat path may overwrite it in
   * place; -1 once anything else changed the list's layout (see insertMetadata).
   */
  pendingCountAt = -1;
  /** The entry at pendingCountAt still holds an older count than lastPendingCount (see `metadata`). */
  pendingCountUnwritten = false;
  /** Cached immutable snapshot and wire-format fragment, dropped on any change (see changed()). */
  snapshot: PeerLeaseHealthSnapshot | undefined = undefined;
  /**
   * Where the peer's wire entry (UTF-8, no separator) sits in the last body the tracker renderer
   * wrote: bytes [fragmentStart, fragmentEnd) of fragmentChunk. Unset when the peer changed since.
   */
  fragmentChunk: Buffer | undefined = undefined;
  fragmentStart = 0;
  fragmentEnd = 0;
  /** Active leases, sorted by sequenceId, attempt, leaseId (see peer-collections). */
  leases: PeerLeaseHandle[] | undefined = undefined;
  /** `leases` by lease id, kept only while the peer holds many (see peer-collections). */
  leaseIndex: Map<string, PeerLeaseHandle> | undefined = undefined;
  /** The list behind `metadata`. */
  private entries: string[] | undefined = undefined;
  lastDisconnect: number | undefined = undefined;
  pendingReassignments = 0;
  flapWindowStart = NEVER;
  flapCount = 0;

  constructor(
    readonly peerId: string,
    readonly counters: PeerCounterCell,
  ) {}

  /**
   * Metadata as a flat list [key, value, key, value, ...], sorted by key case-insensitively (see
   * peer-collections): no object per entry, which halves what a peer's metadata costs.
   *
   * A heartbeat's new pending count is only noted on the peer (at fleet scale, the list and its
   * backing store are two more cache misses per heartbeat); every reader comes through here, so
   * the count is written into its entry before anyone sees the list.
   */
  get metadata(): string[] | undefined {
    const entries = this.entries;
    if (this.pendingCountUnwritten && entries !== undefined) {
      this.pendingCountUnwritten = false;
      entries[this.pendingCountAt + 1] = pendingCountText(this.lastPendingCount);
    }
    return entries;
  }

  set metadata(entries: string[] | undefined) {
    this.entries = entries;
  }

  /** Drops what was derived from the old state. */
  changed(): void {
    this.snapshot = undefined;
    this.fragmentChunk = undefined;
  }
}
