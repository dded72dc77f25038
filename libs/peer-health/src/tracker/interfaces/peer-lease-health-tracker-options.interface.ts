import type { LoggerService } from '@nestjs/common';
import type { PeerHealthAlertPublisher } from '../../base/interfaces/peer-health-alert.interface';
import type { Clock, PeerHealthTimers } from '../clock';

export interface PeerMetadataLimits {
  /** Entries one peer may hold; new keys past it are dropped (default 64). */
  readonly maxEntriesPerPeer?: number;
  /** Longest key, in UTF-16 code units (default 256). */
  readonly maxKeyLength?: number;
  /** Longest value, in UTF-16 code units (default 1024). */
  readonly maxValueLength?: number;
}

export interface PeerFlappingOptions {
  /** Status changes within `windowMs` that make a peer count as flapping (default 6). */
  readonly transitions?: number;
  /** Window length (default 60000). */
  readonly windowMs?: number;
}

export interface PeerLeaseHealthTrackerOptions {
  /** How long after its last heartbeat a peer stays healthy (default 30000). */
  readonly heartbeatGracePeriodMs?: number;
  /**
   * How long a peer may go without any event before it is forgotten (default 3600000, one hour).
   * `Infinity` keeps peers forever.
   */
  readonly retentionMs?: number;
  /** Time source (default: the system clock). A clock that also implements `PeerHealthTimers` drives the timers too. */
  readonly clock?: Clock;
  /** Where the expiry timer is armed (default: the clock if it can schedule, else Node's timers, unref'd). */
  readonly timers?: PeerHealthTimers;
  /**
   * Peers tracked at once (default: no limit). An event for a new peer past it is not tracked and
   * counts as a `peer-limit` anomaly; known peers keep recording.
   */
  readonly maxPeers?: number;
  /** Longest accepted peer id (default 256). */
  readonly maxPeerIdLength?: number;
  readonly metadataLimits?: PeerMetadataLimits;
  readonly flapping?: PeerFlappingOptions;
  /** Distinct `rpc_peer` metric label values before the rest fold into `__overflow__` (default 1000). */
  readonly maxPeerLabelValues?: number;
  /** Distinct values of each other free-text metric label (default 1000). */
  readonly maxLabelValues?: number;
  /** Receives a `peer_disconnect` alert for every disconnect. */
  readonly alertPublisher?: PeerHealthAlertPublisher;
  /** Where anomalies worth a human's attention are logged (default: Nest's Logger). */
  readonly logger?: Pick<LoggerService, 'warn' | 'error'>;
}
