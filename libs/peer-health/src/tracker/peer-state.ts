import type { PeerCounterCell } from '../telemetry/peer-event-counters';
import { DeadlineNode } from './deadline-queue';
import type { PeerLeaseHandle } from './interfaces/peer-lease-handle.interface';
import type { PeerLeaseHealthSnapshot } from './interfaces/peer-lease-health-snapshot.interface';

/** Marks "never heartbeated"; compares below every real time. */
export const NEVER = Number.NEGATIVE_INFINITY;

export interface MetadataEntry {
  /** The first spelling seen of the key. */
  readonly key: string;
  value: string;
}

/** The tracker's mutable record of one peer. Never handed out: callers get snapshots. */
export class PeerState {
  /** leaseId (lower case) -> handle */
  leases: Map<string, PeerLeaseHandle> | undefined;
  /** lower-cased key -> entry */
  metadata: Map<string, MetadataEntry> | undefined;
  lastHeartbeat = NEVER;
  lastDisconnect: number | undefined;
  disconnected = false;
  pendingReassignments = 0;
  /** Status as last evaluated; kept current by the tracker's deadline processing. */
  healthy = true;
  /** Last pending count written to metadata, to skip rebuilding an unchanged string. */
  lastPendingCount = -1;
  flapWindowStart = NEVER;
  flapCount = 0;
  /** Cached immutable snapshot, dropped on any change. */
  snapshot: PeerLeaseHealthSnapshot | undefined;
  /** Position in the queue of heartbeat grace deadlines. */
  readonly expiry = new DeadlineNode<PeerState>(this);
  /** Position in the queue of retention deadlines. */
  readonly retention = new DeadlineNode<PeerState>(this);

  constructor(
    readonly peerId: string,
    readonly counters: PeerCounterCell,
  ) {}
}
