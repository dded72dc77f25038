import { Logger } from '@nestjs/common';
import type { PeerHealthSnapshotProvider } from '../base/interfaces/peer-health-snapshot-provider.interface';
import type {
  PeerHealthStatus,
  PeerHealthTransitionListener,
  PeerHealthTransitionReason,
} from '../base/interfaces/peer-health-transition.interface';
import type { PeerLeaseHandle } from '../base/interfaces/peer-lease-handle.interface';
import type {
  PeerHealthAnomalyListener,
  PeerHealthLeadershipChange,
  PeerHealthLeadershipListener,
} from '../base/interfaces/peer-health-stream-events.interface';
import type { PeerHealthProducerChannel, PeerHealthProducerChannelOptions } from '../base/interfaces/peer-health-producer.interface';
import type { PeerLeaseHealthSnapshot } from '../base/interfaces/peer-lease-health-snapshot.interface';
import type { PeerHealthAnomalyKind } from '../base/peer-health-anomaly';
import type { AnomalyFeed } from './anomaly-feed';
import type { FlapDetector } from './flap-detector';
import type { HealthDeadlines } from './health-deadlines';
import { GracePeriodPolicy } from './health-policy/grace-period.policy';
import type { PeerHealthPolicy } from './interfaces/peer-health-policy.interface';
import type { PeerLeaseHealthCounts } from './interfaces/peer-lease-health-counts.interface';
import type { PeerLeaseHealthTrackerOptions } from './interfaces/peer-lease-health-tracker-options.interface';
import type { LeadershipFeed } from './leadership-feed';
import type { PeerEventCounters } from './peer-event-counters';
import { PeerRecorder } from './peer-recorder';
import { buildPeerSnapshot } from './peer-snapshot';
import type { PeerState } from './peer-state';
import type { PeerTable } from './peer-table';
import { openProducerChannel } from './producers/open-producer-channel';
import type { RecordingPath } from './recording-path';
import type { TrackerEventQueue } from './tracker-event-queue';
import { assembleTracker } from './tracker-assembly';
import { resolveTrackerSettings, type TrackerSettings } from './tracker-settings';

/**
 * Records what control-plane services learn about their peers and answers, at any time, who is
 * healthy. Every record method is O(1) in the number of peers; health is also re-evaluated on
 * time, by one timer (see HealthDeadlines). Usable with plain `new`, without Nest.
 *
 * The public face of tracker/: the record methods check the peer id and hand the event to the
 * recording path (RecordingPath); reads answer from the peer table (PeerTable) after applying the
 * deadlines that passed; listeners go to their feeds.
 */
export class PeerLeaseHealthTracker implements PeerHealthSnapshotProvider {
  /**
   * Plain-number event counts, read by the Prometheus exporter at scrape time.
   * @internal
   */
  readonly counters: PeerEventCounters;
  /**
   * How long after its last heartbeat a peer stays healthy, in ms, under the grace-period rule. With
   * another `healthPolicy` the policy decides, and this is the (unused) default.
   */
  readonly heartbeatGracePeriodMs: number;
  /** How long a peer may go without any event before it is forgotten, in ms. */
  readonly retentionMs: number;
  /** What decides how long a peer stays healthy: the `healthPolicy` option, or the grace-period rule. */
  readonly healthPolicy: PeerHealthPolicy;

  private readonly settings: TrackerSettings;
  private readonly table: PeerTable;
  private readonly recording: RecordingPath;
  private readonly deadlines: HealthDeadlines;
  private readonly events: TrackerEventQueue;
  private readonly flapping: FlapDetector;
  private readonly anomalies: AnomalyFeed;
  private readonly leadership: LeadershipFeed;

  /** @throws PeerHealthConfigurationError naming the first option that cannot work. */
  constructor(options: PeerLeaseHealthTrackerOptions = {}) {
    this.settings = resolveTrackerSettings(options);
    this.heartbeatGracePeriodMs = this.settings.heartbeatGracePeriodMs;
    this.retentionMs = this.settings.retentionMs;
    this.healthPolicy = options.healthPolicy ?? new GracePeriodPolicy({ gracePeriodMs: this.heartbeatGracePeriodMs });
    const logger = this.settings.logger ?? new Logger(PeerLeaseHealthTracker.name);
    const parts = assembleTracker(this.settings, this.healthPolicy, logger, () => {
      this.evaluateHealth();
    });
    this.counters = parts.counters;
    this.events = parts.events;
    this.flapping = parts.flapping;
    this.table = parts.table;
    this.deadlines = parts.deadlines;
    this.recording = parts.recording;
    this.anomalies = parts.anomalies;
    this.leadership = parts.leadership;
  }

  /** Grows with every change of tracked state; equal versions mean equal snapshots. */
  get version(): number {
    return this.table.version;
  }

  /**
   * A worker took a lease: adds it, counts as a heartbeat, clears "disconnected", sets `resource.type`
   * and `resource.id` metadata when given, and takes one off the peer's pending reassignments.
   * @throws PeerHealthInputError for a bad peer id or handle, before anything changes.
   */
  recordLeaseAssignment(peerId: string, handle: PeerLeaseHandle, resourceType?: string, resourceId?: string): void {
    const recording = this.recording;
    recording.checkPeerId(peerId);
    recording.applyAssign(peerId, undefined, handle, resourceType, resourceId);
  }

  /**
   * A lease ended: removes it and counts as a heartbeat; `requeued` adds one pending reassignment.
   * A release does not clear "disconnected".
   * @throws PeerHealthInputError for a bad peer id, handle or `requeued`, before anything changes.
   */
  recordLeaseReleased(peerId: string, handle: PeerLeaseHandle, requeued: boolean): void {
    const recording = this.recording;
    recording.checkPeerId(peerId);
    recording.applyRelease(peerId, undefined, handle, requeued);
  }

  /**
   * The peer is alive: clears "disconnected"; adds the handle's lease if it is not active yet; sets
   * `pending.count` metadata to `pendingCount` when given.
   * @throws PeerHealthInputError for a bad peer id, handle or count, before anything changes.
   */
  recordLeaseHeartbeat(peerId: string, handle?: PeerLeaseHandle | null, pendingCount?: number): void {
    const recording = this.recording;
    recording.checkPeerId(peerId);
    recording.applyHeartbeat(peerId, undefined, handle, pendingCount);
  }

  /**
   * The peer disconnected: it is unhealthy until its next heartbeat or assignment; a non-blank
   * `reason` is kept as `disconnect.reason` metadata.
   * @throws PeerHealthInputError for a bad peer id, before anything changes.
   */
  recordDisconnect(peerId: string, reason?: string): void {
    const recording = this.recording;
    recording.checkPeerId(peerId);
    recording.applyDisconnect(peerId, undefined, reason);
  }

  /**
   * A lease of the peer expired (the peer stopped renewing it): the snapshot is that of
   * `recordLeaseReleased(peerId, handle, requeued)` followed by `recordDisconnect(peerId, 'lease-expired')`,
   * but the peer is never healthy in between: at most one transition, healthy -> unhealthy with reason
   * `lease-expired` (none when it was unhealthy already). `requeued` defaults to true.
   * @throws PeerHealthInputError for a bad peer id, handle or `requeued`, before anything changes.
   */
  recordLeaseExpired(peerId: string, handle: PeerLeaseHandle, requeued = true): void {
    const recording = this.recording;
    recording.checkPeerId(peerId);
    recording.applyExpire(peerId, undefined, handle, requeued);
  }

  /**
   * Merges gossip metadata (keys compare case-insensitively). Blank keys and null values are
   * skipped; entries from remote nodes that are not strings or exceed the limits are dropped and
   * counted as anomalies, never thrown.
   * @throws PeerHealthInputError for a bad peer id only.
   */
  recordGossip(peerId: string, metadata: Readonly<Record<string, string>> | ReadonlyMap<string, string>): void {
    const recording = this.recording;
    recording.checkPeerId(peerId);
    recording.applyGossip(peerId, undefined, metadata);
  }

  /**
   * A recorder bound to one peer, for producers that hold a peer (a connection, a session): the same
   * semantics as the by-id methods, without looking the peer up on every event. It stays valid when
   * the peer is evicted: the next event tracks the peer again.
   * @throws PeerHealthInputError for a bad peer id.
   */
  peer(peerId: string): PeerRecorder {
    this.recording.checkPeerId(peerId);
    return new PeerRecorder(this.recording, peerId);
  }

  /**
   * A channel for one producer thread: pass its `handle` to a worker, which records through
   * `connectPeerHealthProducer(handle)` (the kit's `/producer` subpath). Events arrive through
   * shared memory and are applied in slices on this thread, each at the time it was recorded.
   * @throws PeerHealthConfigurationError for a bad `capacityBytes`.
   */
  openProducerChannel(options?: PeerHealthProducerChannelOptions): PeerHealthProducerChannel {
    return openProducerChannel(this.recording, this.settings, this.counters.producers, options);
  }

  /** A peer never seen is eligible; otherwise eligible means healthy now. */
  isPeerEligible(peerId: string): boolean {
    this.evaluateHealth();
    return this.table.get(peerId)?.healthy ?? true;
  }

  /** Immutable snapshots of every tracked peer, health evaluated at the current clock time; unordered. */
  snapshot(): readonly PeerLeaseHealthSnapshot[] {
    this.evaluateHealth();
    const result = new Array<PeerLeaseHealthSnapshot>(this.table.size);
    let index = 0;
    for (const peer of this.table.values()) result[index++] = peer.snapshot ??= buildPeerSnapshot(peer);
    return Object.freeze(result);
  }

  /**
   * The tracked peers in wire order (by peer id), with every deadline applied. For the kit's own
   * renderer: the states are live and must not be kept across event-loop turns.
   * @internal
   */
  orderedPeers(): readonly PeerState[] {
    this.evaluateHealth();
    return this.table.inOrder();
  }

  /** Current counts, kept incrementally (no walk over the peers). */
  counts(): PeerLeaseHealthCounts {
    this.evaluateHealth();
    const table = this.table;
    return {
      eligiblePeers: table.healthyPeers,
      unhealthyPeers: table.unhealthyPeers,
      pendingReassignments: table.pendingTotal,
      trackedPeers: table.size,
    };
  }

  /** How many anomalies of `kind` were counted so far (as `omnirelay_peer_health_anomalies_total`). */
  anomalyCount(kind: PeerHealthAnomalyKind): number {
    return this.counters.anomalyCount(kind);
  }

  /** How many transitions from `from` to `to` (for `reason`, or any) were counted so far. */
  transitionCount(from: PeerHealthStatus, to: PeerHealthStatus | 'evicted', reason?: PeerHealthTransitionReason): number {
    return this.counters.transitionCount(from, to, reason);
  }

  /** Calls `listener` after every status change, outside the change itself; returns the unsubscribe function. */
  onTransition(listener: PeerHealthTransitionListener): () => void {
    return this.events.subscribe(listener);
  }

  /**
   * Calls `listener` after each anomaly is counted, synchronously (it must not record into the
   * tracker); returns the unsubscribe function. Without listeners, counting an anomaly builds nothing.
   */
  onAnomaly(listener: PeerHealthAnomalyListener): () => void {
    return this.anomalies.subscribe(listener);
  }

  /**
   * The extension point for leadership: a leadership service calls this when the leader of a scope
   * changes (or the scope loses its leader), and the kit's event stream tells its watchers. Repeating
   * the current leader of a scope is not a change and is not published.
   */
  publishLeadership(change: Omit<PeerHealthLeadershipChange, 'at'> & { readonly at?: number }): void {
    this.leadership.publish(change);
  }

  /** Calls `listener` after each published leadership change; returns the unsubscribe function. */
  onLeadership(listener: PeerHealthLeadershipListener): () => void {
    return this.leadership.subscribe(listener);
  }

  /** The leader of every scope published so far (null: the scope has no leader now). */
  publishedLeaders(): ReadonlyMap<string, string | null> {
    return this.leadership.leadersByScope();
  }

  /** Counts an anomaly seen by a collaborator (e.g. a failing snapshot provider). */
  reportAnomaly(kind: PeerHealthAnomalyKind, count = 1): void {
    this.counters.recordAnomaly(kind, count);
  }

  /** Applies every deadline that has passed, to the millisecond. Runs by itself on a timer; callable to force it. */
  evaluateHealth(): void {
    this.deadlines.applyExact(this.settings.clock.now());
    this.events.flush();
  }

  /**
   * Stops the timer and logs any pending flapping summary. The tracker still answers and records;
   * time-driven transitions then happen on the next call instead of by themselves.
   */
  dispose(): void {
    this.deadlines.dispose();
    this.flapping.dispose();
  }

  /** Nest's shutdown hook: disposes the tracker. */
  onModuleDestroy(): void {
    this.dispose();
  }
}
