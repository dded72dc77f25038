export type PeerHealthStatus = 'healthy' | 'unhealthy';

/** Why a peer changed status. */
export type PeerHealthTransitionReason =
  | 'heartbeat'
  | 'assignment'
  | 'release'
  | 'disconnect'
  | 'heartbeat-expired'
  | 'retention';

/** A peer changed status, or was evicted after the retention period. */
export interface PeerHealthTransition {
  readonly peerId: string;
  readonly from: PeerHealthStatus;
  readonly to: PeerHealthStatus | 'evicted';
  readonly reason: PeerHealthTransitionReason;
  /** Clock time at which the change took effect (for expiries: the grace deadline that passed). */
  readonly at: number;
}

export type PeerHealthTransitionListener = (transition: PeerHealthTransition) => void;
