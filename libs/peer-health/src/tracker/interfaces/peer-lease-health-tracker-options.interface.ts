import type { LoggerService } from '@nestjs/common';
import type { PeerHealthAlertPublisher } from '../../base/interfaces/peer-health-alert.interface';
import type { Clock, PeerHealthTimers } from '../../base/clock';
import type { PeerHealthPolicy } from './peer-health-policy.interface';

/**
 * Bounds on the metadata one peer may hold. Metadata arrives from remote nodes (gossip), so entries
 * past a bound are dropped and counted as a `metadata-limit` anomaly, never thrown. Each bound must be
 * a positive integer; anything else is a `PeerHealthConfigurationError` naming it.
 */
export interface PeerMetadataLimits {
  /** Entries one peer may hold; new keys past it are dropped, existing keys still update (default 64). */
  readonly maxEntriesPerPeer?: number;
  /** Longest key, in UTF-16 code units (default 256). */
  readonly maxKeyLength?: number;
  /** Longest value, in UTF-16 code units (default 1024). */
  readonly maxValueLength?: number;
}

/**
 * When a peer counts as flapping: it changed status at least `transitions` times within `windowMs`.
 * A flapping peer counts a `flapping` anomaly and is logged as a warning.
 */
export interface PeerFlappingOptions {
  /** Status changes within `windowMs` that make a peer count as flapping; a positive integer (default 6). */
  readonly transitions?: number;
  /** Length of the window, in milliseconds; a positive number (default 60000). */
  readonly windowMs?: number;
}

/**
 * Options of `new PeerLeaseHealthTracker(options)`, also accepted by `PeerHealthModule.forRoot()` and
 * returned by a `forRootAsync()` factory. Every option is optional and checked when the tracker is
 * built: a bad one throws a `PeerHealthConfigurationError` whose `option` names it. Numbers must be
 * numbers (convert environment strings first).
 */
export interface PeerLeaseHealthTrackerOptions {
  /**
   * How long, in milliseconds, a peer stays healthy after its last heartbeat; a heartbeat exactly this
   * old still counts. A positive finite number (default 30000).
   */
  readonly heartbeatGracePeriodMs?: number;
  /**
   * What decides how long a peer stays healthy after a sign of life (default: the grace-period rule
   * with `heartbeatGracePeriodMs`). For example `new PhiAccrualPolicy({ threshold: 8 })`, which
   * learns each peer's heartbeat rhythm. Give either this or `heartbeatGracePeriodMs`, not both.
   * With a policy other than `GracePeriodPolicy`, `retentionMs` is not compared with a grace period.
   */
  readonly healthPolicy?: PeerHealthPolicy;
  /**
   * How long, in milliseconds, a peer may go without any event before it is forgotten (default 3600000,
   * one hour). `Infinity` keeps peers forever.
   */
  readonly retentionMs?: number;
  /**
   * Time source, epoch milliseconds (default: the system clock). A clock that also implements
   * `PeerHealthTimers`, such as `ManualClock`, drives the expiry timer too.
   */
  readonly clock?: Clock;
  /** Where the single expiry timer is armed (default: the clock if it can schedule, else Node's timers, unref'd). */
  readonly timers?: PeerHealthTimers;
  /**
   * Peers tracked at once (default: no limit). An event for a new peer past it is not tracked and
   * counts as a `peer-limit` anomaly; known peers keep recording.
   */
  readonly maxPeers?: number;
  /** Longest accepted peer id, in UTF-16 code units; longer ids throw `PeerHealthInputError` (default 256). */
  readonly maxPeerIdLength?: number;
  /** Bounds on each peer's metadata (defaults: 64 entries, keys of 256 and values of 1024 code units). */
  readonly metadataLimits?: PeerMetadataLimits;
  /** When a peer that keeps changing status counts as flapping (default: 6 changes within 60000 ms). */
  readonly flapping?: PeerFlappingOptions;
  /** Distinct `rpc_peer` metric label values before the rest fold into `__overflow__` (default 1000). */
  readonly maxPeerLabelValues?: number;
  /** Distinct values of each other free-text metric label: resource type, resource id, disconnect reason (default 1000). */
  readonly maxLabelValues?: number;
  /**
   * Receives a `peer_disconnect` alert for every disconnect. A publisher that throws or rejects never
   * breaks recording; it counts an `alert-publish-failure` anomaly. In the Nest module, a provider under
   * `PEER_HEALTH_ALERT_PUBLISHER` does the same.
   */
  readonly alertPublisher?: PeerHealthAlertPublisher;
  /** Where anomalies worth a human's attention are logged: flapping, failing listeners or publishers (default: Nest's Logger). */
  readonly logger?: Pick<LoggerService, 'warn' | 'error'>;
}
