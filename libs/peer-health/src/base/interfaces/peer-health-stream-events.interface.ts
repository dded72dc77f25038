import type { PeerHealthAnomalyKind } from '../peer-health-anomaly';

/** An anomaly as the tracker's anomaly listeners receive it. */
export interface PeerHealthAnomalyEvent {
  /** What went wrong (as `omnirelay_peer_health_anomalies_total{kind}` counts it). */
  readonly kind: PeerHealthAnomalyKind;
  /** How many were counted at once (usually 1). */
  readonly count: number;
  /** Clock time at which they were counted. */
  readonly at: number;
}

export type PeerHealthAnomalyListener = (anomaly: PeerHealthAnomalyEvent) => void;

/** The leader of a scope changed (published by a leadership service through the tracker). */
export interface PeerHealthLeadershipChange {
  /** The leadership scope. */
  readonly scope: string;
  /** The new leader's peer id, or null when the scope has no leader. */
  readonly leaderId: string | null;
  /** The leader's term or fencing token, when the leadership store has one. */
  readonly term?: number;
  /** Clock time of the change (set by the tracker when the publisher leaves it out). */
  readonly at: number;
}

export type PeerHealthLeadershipListener = (change: PeerHealthLeadershipChange) => void;
