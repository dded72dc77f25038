export type PeerHealthStatus = 'healthy' | 'unhealthy';

/** Why a peer changed status. */
export type PeerHealthTransitionReason =
  | 'heartbeat'
  | 'assignment'
  | 'release'
  | 'disconnect'
  | 'heartbeat-expired'
  | 'lease-expired'
  | 'retention';

/** A peer changed status, or was evicted after the retention period. */
export interface PeerHealthTransition {
  /** The peer that changed. */
  readonly peerId: string;
  /** Its status before the change. */
  readonly from: PeerHealthStatus;
  /** Its status after the change, or `evicted` when it was forgotten after the retention period. */
  readonly to: PeerHealthStatus | 'evicted';
  /**
   * The event that caused the change (`heartbeat-expired` when the grace deadline passed by itself,
   * `lease-expired` from `recordLeaseExpired`).
   */
  readonly reason: PeerHealthTransitionReason;
  /**
   * Clock time at which the change took effect. For `heartbeat-expired`: the first instant the peer is
   * no longer healthy, 1 ms after its last healthy instant (a peer exactly at its deadline is still healthy).
   */
  readonly at: number;
}

export type PeerHealthTransitionListener = (transition: PeerHealthTransition) => void;
