import type { PeerLeaseHandle } from './peer-lease-handle.interface';

/**
 * What one provider knows about one peer at one instant. Immutable: later events never change a
 * snapshot already handed out. Times are epoch milliseconds; `null` means "never".
 */
export interface PeerLeaseHealthSnapshot {
  /** The peer's id, as recorded. */
  readonly peerId: string;
  /** When the peer last heart-beat (assignments and releases count too); `null` if it never did. */
  readonly lastHeartbeat: number | null;
  /** When the peer last disconnected; `null` if it never did. */
  readonly lastDisconnect: number | null;
  /** Healthy at the instant of the snapshot: not disconnected, and no heartbeat older than the grace period. */
  readonly isHealthy: boolean;
  /** How many leases the peer holds (at least `activeLeases.length`; a provider may know of more). */
  readonly activeAssignments: number;
  /** Requeued releases of this peer's work not yet assigned again. */
  readonly pendingReassignments: number;
  /** The leases the peer holds. */
  readonly activeLeases: readonly PeerLeaseHandle[];
  /** Keys are unique case-insensitively; the object has no prototype, so `__proto__` is plain data. */
  readonly metadata: Readonly<Record<string, string>>;
}

/** Counts over a set of peers, as served in the `summary` object of the wire format. */
export interface PeerLeaseHealthSummary {
  /** Peers that are healthy, so eligible for work. */
  readonly eligiblePeers: number;
  /** Peers that are not healthy. */
  readonly unhealthyPeers: number;
  /** Sum of the peers' pending reassignments. */
  readonly pendingReassignments: number;
}
