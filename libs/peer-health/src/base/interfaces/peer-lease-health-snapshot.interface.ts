import type { PeerLeaseHandle } from './peer-lease-handle.interface';

/**
 * What one provider knows about one peer at one instant. Immutable: later events never change a
 * snapshot already handed out. Times are epoch milliseconds; `null` means "never".
 */
export interface PeerLeaseHealthSnapshot {
  readonly peerId: string;
  readonly lastHeartbeat: number | null;
  readonly lastDisconnect: number | null;
  readonly isHealthy: boolean;
  readonly activeAssignments: number;
  readonly pendingReassignments: number;
  readonly activeLeases: readonly PeerLeaseHandle[];
  /** Keys are unique case-insensitively; the object has no prototype, so `__proto__` is plain data. */
  readonly metadata: Readonly<Record<string, string>>;
}

/** Counts over a set of peers, as served in the `summary` object of the wire format. */
export interface PeerLeaseHealthSummary {
  readonly eligiblePeers: number;
  readonly unhealthyPeers: number;
  readonly pendingReassignments: number;
}
