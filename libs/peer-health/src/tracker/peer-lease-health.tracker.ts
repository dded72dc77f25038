import { Logger } from '@nestjs/common';
import type { PeerHealthSnapshotProvider } from '../base/interfaces/peer-health-snapshot-provider.interface';
import type { PeerHealthAlert, PeerHealthAlertPublisher } from '../base/interfaces/peer-health-alert.interface';
import type { PeerHealthAnomalyKind } from '../base/peer-health-anomaly';
import { PeerEventCounters } from './peer-event-counters';
import { isPeerHealthTimers, systemClock, systemTimers, type Clock, type PeerHealthTimers, type ScheduledTimer } from './clock';
import { DeadlineWheel } from './deadline-wheel';
import { assertPendingCount, assertPeerId, canonicalLeaseId } from './input-validation';
import type { PeerLeaseHandle } from '../base/interfaces/peer-lease-handle.interface';
import type { PeerLeaseHealthSnapshot, PeerLeaseHealthSummary } from '../base/interfaces/peer-lease-health-snapshot.interface';
import type {
  PeerHealthStatus,
  PeerHealthTransition,
  PeerHealthTransitionListener,
  PeerHealthTransitionReason,
} from '../base/interfaces/peer-health-transition.interface';
import type { PeerLeaseHealthTrackerOptions } from './interfaces/peer-lease-health-tracker-options.interface';
import { objectWithMethodsOption, positiveIntegerOption, positiveNumberOption } from '../base/option-checks';
import { PeerHealthInputError } from '../base/errors/peer-health.errors';
import { putMetadata, WELL_KNOWN_KEYS, type ResolvedMetadataLimits } from './peer-metadata';
import { compareOrdinal } from '../base/ordering';
import { findLease, putLease, removeLease } from './peer-collections';
import { buildPeerSnapshot } from './peer-snapshot';
import { NEVER, PeerState } from './peer-state';

export const DEFAULT_HEARTBEAT_GRACE_PERIOD_MS = 30_000;
export const DEFAULT_RETENTION_MS = 3_600_000;

/** Decimal strings of small pending counts, so the common heartbeat allocates none. */
const SMALL_COUNTS: readonly string[] = Array.from({ length: 1024 }, (_, n) => String(n));

/** Whether the peer already holds exactly this (previously validated) handle. */
function holds(peer: PeerState | undefined, handle: PeerLeaseHandle): boolean {
  if (typeof handle !== 'object') return false;
  const held = findLease(peer, handle.leaseId);
  return held !== undefined && held.sequenceId === handle.sequenceId && held.attempt === handle.attempt;
}

/** Live counts kept incrementally; `trackedPeers` includes both healthy and unhealthy peers. */
export interface PeerLeaseHealthCounts extends PeerLeaseHealthSummary {
  readonly trackedPeers: number;
}

/**
 * Records what control-plane services learn about their peers and answers, at any time, who is
 * healthy. Every record method is O(1) in the number of peers; health is also re-evaluated on
 * time, by one timer armed at the end of the earliest due bucket of a timing wheel. Usable with
 * plain `new`.
 */
export class PeerLeaseHealthTracker implements PeerHealthSnapshotProvider {
  /** Plain-number event counts, read by the Prometheus exporter at scrape time. */
  readonly counters: PeerEventCounters;
  readonly heartbeatGracePeriodMs: number;
  readonly retentionMs: number;

  private readonly clock: Clock;
  private readonly timers: PeerHealthTimers;
  private readonly maxPeerIdLength: number;
  private readonly metadataLimits: ResolvedMetadataLimits;
  private readonly flapTransitions: number;
  private readonly flapWindowMs: number;
  private readonly alertPublisher: PeerHealthAlertPublisher | undefined;
  private readonly logger: Pick<Logger, 'warn' | 'error'>;

  private readonly peers = new Map<string, PeerState>();
  /** Grace deadlines of healthy, heart-beating peers; a heartbeat never touches it (see DeadlineWheel). */
  private readonly expiryWheel: DeadlineWheel<PeerState>;
  private readonly retentionWheel: DeadlineWheel<PeerState>;
  /** The peers sorted by id, kept until a peer is added or evicted. */
  private ordered: PeerState[] | undefined;
  private healthyPeers = 0;
  private unhealthyPeers = 0;
  private pendingTotal = 0;
  private changeVersion = 0;

  private timer: ScheduledTimer | undefined;
  private timerDue = Infinity;
  private disposed = false;

  private readonly listeners = new Set<PeerHealthTransitionListener>();
  private readonly pendingTransitions: PeerHealthTransition[] = [];
  private readonly pendingAlerts: PeerHealthAlert[] = [];
  private dispatching = false;

  constructor(options: PeerLeaseHealthTrackerOptions = {}) {
    this.heartbeatGracePeriodMs = positiveNumberOption(
      'heartbeatGracePeriodMs',
      options.heartbeatGracePeriodMs,
      DEFAULT_HEARTBEAT_GRACE_PERIOD_MS,
    );
    this.retentionMs = positiveNumberOption('retentionMs', options.retentionMs, DEFAULT_RETENTION_MS, true);
    objectWithMethodsOption('clock', options.clock, ['now']);
    objectWithMethodsOption('timers', options.timers, ['schedule']);
    objectWithMethodsOption('alertPublisher', options.alertPublisher, ['publish']);
    objectWithMethodsOption('logger', options.logger, ['warn', 'error']);
    this.clock = options.clock ?? systemClock;
    this.timers = options.timers ?? (isPeerHealthTimers(options.clock) ? options.clock : systemTimers);
    this.maxPeerIdLength = positiveIntegerOption('maxPeerIdLength', options.maxPeerIdLength, 256);
    const limits = options.metadataLimits ?? {};
    this.metadataLimits = {
      maxEntriesPerPeer: positiveIntegerOption('metadataLimits.maxEntriesPerPeer', limits.maxEntriesPerPeer, 64),
      maxKeyLength: positiveIntegerOption('metadataLimits.maxKeyLength', limits.maxKeyLength, 256),
      maxValueLength: positiveIntegerOption('metadataLimits.maxValueLength', limits.maxValueLength, 1024),
    };
    const flapping = options.flapping ?? {};
    this.flapTransitions = positiveIntegerOption('flapping.transitions', flapping.transitions, 6);
    this.flapWindowMs = positiveNumberOption('flapping.windowMs', flapping.windowMs, 60_000);
    this.counters = new PeerEventCounters({
      maxPeerLabelValues: positiveIntegerOption('maxPeerLabelValues', options.maxPeerLabelValues, 1000),
      maxLabelValues: positiveIntegerOption('maxLabelValues', options.maxLabelValues, 1000),
    });
    this.alertPublisher = options.alertPublisher;
    this.logger = options.logger ?? new Logger(PeerLeaseHealthTracker.name);
    // Buckets fine enough that a transition lands within ~1% of the grace period (at most 25 ms).
    this.expiryWheel = new DeadlineWheel(Math.min(25, Math.max(1, Math.floor(this.heartbeatGracePeriodMs / 100))));
    this.retentionWheel = new DeadlineWheel(
      Number.isFinite(this.retentionMs) ? Math.max(1, Math.floor(this.retentionMs / 100)) : 1,
    );
  }

  /** Grows by one with every change of tracked state; equal versions mean equal snapshots. */
  get version(): number {
    return this.changeVersion;
  }

  recordLeaseAssignment(peerId: string, handle: PeerLeaseHandle, resourceType?: string, resourceId?: string): void {
    const now = this.begin();
    let leaseId: string;
    try {
      assertPeerId(peerId, this.maxPeerIdLength);
      leaseId = canonicalLeaseId(handle);
    } catch (error) {
      throw this.rejected(error);
    }
    const peer = this.touch(peerId, now);
    putLease(peer, Object.freeze({ sequenceId: handle.sequenceId, attempt: handle.attempt, leaseId }));
    if (peer.pendingReassignments > 0) {
      peer.pendingReassignments--;
      this.pendingTotal--;
    }
    const type = this.optionalMetadata(peer, WELL_KNOWN_KEYS.resourceType, resourceType);
    const id = this.optionalMetadata(peer, WELL_KNOWN_KEYS.resourceId, resourceId);
    this.counters.recordAssignment(peer.counters, type, id);
    peer.disconnected = false;
    this.heartbeatAt(peer, now, 'assignment');
    this.flush();
  }

  recordLeaseReleased(peerId: string, handle: PeerLeaseHandle, requeued: boolean): void {
    const now = this.begin();
    let leaseId: string;
    try {
      assertPeerId(peerId, this.maxPeerIdLength);
      leaseId = canonicalLeaseId(handle);
    } catch (error) {
      throw this.rejected(error);
    }
    const peer = this.touch(peerId, now);
    if (!removeLease(peer, leaseId)) this.anomaly('unknown-lease-release');
    // Strictly true: a JavaScript caller's "false" string must not count as a requeue.
    const requeue: unknown = requeued;
    if (requeue === true) {
      peer.pendingReassignments++;
      this.pendingTotal++;
      peer.counters.requeuedReleases++;
    }
    peer.counters.releases++;
    // A release proves the peer is alive but, as in the seed system, does not clear "disconnected".
    this.heartbeatAt(peer, now, 'release');
    this.flush();
  }

  recordLeaseHeartbeat(peerId: string, handle?: PeerLeaseHandle | null, pendingCount?: number): void {
    const now = this.begin();
    let newLease: string | undefined;
    let known: PeerState | undefined;
    try {
      assertPeerId(peerId, this.maxPeerIdLength);
      assertPendingCount(pendingCount);
      known = this.peers.get(peerId);
      // The common case, a heartbeat for a lease already held, skips UUID validation: the stored
      // handle was validated when it was added, and this one must equal it exactly. A producer
      // that passes the same handle object again skips even the lease lookup.
      if (handle !== undefined && handle !== null && known?.lastHandle !== handle) {
        if (holds(known, handle)) {
          if (known) known.lastHandle = handle;
        } else {
          newLease = canonicalLeaseId(handle);
        }
      }
    } catch (error) {
      throw this.rejected(error);
    }
    const peer = this.touch(peerId, now, known);
    if (handle && newLease !== undefined) {
      if (!findLease(peer, newLease)) {
        putLease(peer, Object.freeze({ sequenceId: handle.sequenceId, attempt: handle.attempt, leaseId: newLease }));
      }
    }
    if (pendingCount !== undefined && pendingCount !== peer.lastPendingCount) {
      const text = pendingCount < SMALL_COUNTS.length ? (SMALL_COUNTS[pendingCount] ?? String(pendingCount)) : String(pendingCount);
      const dropped = putMetadata(peer, WELL_KNOWN_KEYS.pendingCount, text, this.metadataLimits, WELL_KNOWN_KEYS.pendingCount);
      if (dropped) this.anomaly(dropped);
      else peer.lastPendingCount = pendingCount;
    }
    peer.counters.heartbeats++;
    peer.disconnected = false;
    this.heartbeatAt(peer, now, 'heartbeat');
    this.flush();
  }

  recordDisconnect(peerId: string, reason?: string): void {
    const now = this.begin();
    try {
      assertPeerId(peerId, this.maxPeerIdLength);
    } catch (error) {
      throw this.rejected(error);
    }
    const peer = this.touch(peerId, now);
    peer.lastDisconnect = now;
    peer.disconnected = true;
    const label = this.optionalMetadata(peer, WELL_KNOWN_KEYS.disconnectReason, reason);
    this.counters.recordDisconnect(peer.counters, label);
    this.setHealthy(peer, false, 'disconnect', now);
    peer.changed();
    this.changeVersion++;
    if (this.alertPublisher) {
      this.pendingAlerts.push({
        name: 'peer_disconnect',
        severity: 'warning',
        message: `Peer ${peerId} disconnected${label ? `: ${label}` : ''}`,
        attributes: Object.freeze({ 'peer.id': peerId, reason: label || 'unspecified' }),
        at: now,
      });
    }
    this.flush();
  }

  /** Merges gossip metadata. Bad entries from remote nodes are dropped and counted, never thrown. */
  recordGossip(peerId: string, metadata: Readonly<Record<string, string>> | ReadonlyMap<string, string>): void {
    const now = this.begin();
    try {
      assertPeerId(peerId, this.maxPeerIdLength);
    } catch (error) {
      throw this.rejected(error);
    }
    const input: unknown = metadata;
    if (typeof input !== 'object' || input === null) {
      this.anomaly('metadata-invalid');
      this.flush();
      return;
    }
    const peer = this.touch(peerId, now);
    if (metadata instanceof Map) {
      for (const [key, value] of metadata as ReadonlyMap<unknown, unknown>) this.gossipEntry(peer, key, value);
    } else {
      const record = metadata as Readonly<Record<string, unknown>>;
      for (const key of Object.keys(record)) this.gossipEntry(peer, key, record[key]);
    }
    this.counters.gossipUpdates++;
    this.changeVersion++;
    this.flush();
  }

  /** A peer never seen is eligible; otherwise eligible means healthy now. */
  isPeerEligible(peerId: string): boolean {
    this.beginExact();
    this.flush();
    return this.peers.get(peerId)?.healthy ?? true;
  }

  /** Immutable snapshots of every tracked peer, health evaluated at the current clock time; unordered. */
  snapshot(): readonly PeerLeaseHealthSnapshot[] {
    this.beginExact();
    this.flush();
    const result = new Array<PeerLeaseHealthSnapshot>(this.peers.size);
    let index = 0;
    for (const peer of this.peers.values()) result[index++] = peer.snapshot ??= buildPeerSnapshot(peer);
    return Object.freeze(result);
  }

  /**
   * The tracked peers in wire order (by peer id), with every deadline applied. For the kit's own
   * renderer: the states are live and must not be kept across event-loop turns.
   * @internal
   */
  orderedPeers(): readonly PeerState[] {
    this.beginExact();
    this.flush();
    this.ordered ??= [...this.peers.values()].sort((a, b) => compareOrdinal(a.peerId, b.peerId));
    return this.ordered;
  }

  /** Current counts, kept incrementally (no walk over the peers). */
  counts(): PeerLeaseHealthCounts {
    this.beginExact();
    this.flush();
    return {
      eligiblePeers: this.healthyPeers,
      unhealthyPeers: this.unhealthyPeers,
      pendingReassignments: this.pendingTotal,
      trackedPeers: this.peers.size,
    };
  }

  /** Calls `listener` after every status change, outside the change itself; returns the unsubscribe function. */
  onTransition(listener: PeerHealthTransitionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Counts an anomaly seen by a collaborator (e.g. a failing snapshot provider). */
  reportAnomaly(kind: PeerHealthAnomalyKind, count = 1): void {
    this.counters.recordAnomaly(kind, count);
  }

  /** Applies every deadline that has passed. Runs by itself on a timer; callable to force it. */
  evaluateHealth(): void {
    this.beginExact();
    this.flush();
  }

  /** Stops the timer. The tracker still answers; time-driven transitions then happen on the next call. */
  dispose(): void {
    this.disposed = true;
    this.timer?.cancel();
    this.timer = undefined;
    this.timerDue = Infinity;
  }

  onModuleDestroy(): void {
    this.dispose();
  }

  /** Applies the deadlines that are due in whole buckets; O(1) when none is. */
  private begin(): number {
    const now = this.clock.now();
    if (now >= this.expiryWheel.nextFullDue || now >= this.retentionWheel.nextFullDue) this.processDue(now, false);
    return now;
  }

  /** For reads: every deadline before `now`, to the millisecond. */
  private beginExact(): number {
    const now = this.clock.now();
    this.processDue(now, true);
    return now;
  }

  private processDue(now: number, exact: boolean): void {
    const grace = this.heartbeatGracePeriodMs;
    const resolution = this.expiryWheel.resolutionMs;
    this.expiryWheel.sweep(
      now,
      (peer, bucket) => {
        if (peer.evicted || !peer.healthy || peer.disconnected) {
          peer.inExpiry = false;
          return true;
        }
        const due = peer.lastHeartbeat + grace;
        if (due < now) {
          peer.inExpiry = false;
          this.setHealthy(peer, false, 'heartbeat-expired', due);
          return true;
        }
        // It heart-beat since it was queued: keep it in this bucket, or move it to its new one.
        if (Math.floor(due / resolution) === bucket) return false;
        this.expiryWheel.add(peer, due);
        return true;
      },
      exact,
    );
    this.retentionWheel.sweep(now, (peer) => {
      if (peer.evicted) return true;
      const due = peer.lastActivity + this.retentionMs;
      if (due < now) this.evict(peer, due);
      else this.retentionWheel.add(peer, due);
      return true;
    });
    const next = Math.min(this.expiryWheel.nextFullDue, this.retentionWheel.nextFullDue);
    if (next !== Infinity) this.ensureTimer(next);
  }

  private touch(peerId: string, now: number, known?: PeerState): PeerState {
    let peer = known ?? this.peers.get(peerId);
    if (!peer) {
      peer = new PeerState(peerId, this.counters.cellFor(peerId));
      this.peers.set(peerId, peer);
      this.ordered = undefined;
      this.healthyPeers++;
    } else if (peer.healthy && !peer.disconnected && peer.lastHeartbeat !== NEVER && peer.lastHeartbeat + this.heartbeatGracePeriodMs < now) {
      // This peer's own deadline passed within a bucket not yet swept: apply it before the event.
      this.setHealthy(peer, false, 'heartbeat-expired', peer.lastHeartbeat + this.heartbeatGracePeriodMs);
    }
    peer.lastActivity = now;
    if (!peer.inRetention && this.retentionMs !== Infinity) {
      peer.inRetention = true;
      const due = now + this.retentionMs;
      this.retentionWheel.add(peer, due);
      this.ensureTimer(this.retentionWheel.nextFullDue);
    }
    return peer;
  }

  private heartbeatAt(peer: PeerState, now: number, reason: PeerHealthTransitionReason): void {
    peer.lastHeartbeat = now;
    peer.changed();
    this.changeVersion++;
    if (peer.disconnected) return;
    if (!peer.inExpiry) {
      peer.inExpiry = true;
      this.expiryWheel.add(peer, now + this.heartbeatGracePeriodMs);
      this.ensureTimer(this.expiryWheel.nextFullDue);
    }
    this.setHealthy(peer, true, reason, now);
  }

  private setHealthy(peer: PeerState, healthy: boolean, reason: PeerHealthTransitionReason, at: number): void {
    if (peer.healthy === healthy) return;
    peer.healthy = healthy;
    peer.changed();
    this.changeVersion++;
    const from: PeerHealthStatus = healthy ? 'unhealthy' : 'healthy';
    const to: PeerHealthStatus = healthy ? 'healthy' : 'unhealthy';
    if (healthy) {
      this.healthyPeers++;
      this.unhealthyPeers--;
    } else {
      this.healthyPeers--;
      this.unhealthyPeers++;
    }
    this.counters.recordTransition(from, to, reason);
    if (at - peer.flapWindowStart > this.flapWindowMs) {
      peer.flapWindowStart = at;
      peer.flapCount = 0;
    }
    if (++peer.flapCount === this.flapTransitions) {
      this.anomaly('flapping');
      this.logger.warn(`Peer ${peer.peerId} changed status ${peer.flapCount} times within ${this.flapWindowMs} ms`);
    }
    if (this.listeners.size > 0) this.pendingTransitions.push({ peerId: peer.peerId, from, to, reason, at });
  }

  private evict(peer: PeerState, at: number): void {
    peer.evicted = true;
    peer.inRetention = false;
    this.peers.delete(peer.peerId);
    this.ordered = undefined;
    if (peer.healthy) this.healthyPeers--;
    else this.unhealthyPeers--;
    this.pendingTotal -= peer.pendingReassignments;
    this.changeVersion++;
    const from: PeerHealthStatus = peer.healthy ? 'healthy' : 'unhealthy';
    this.counters.recordTransition(from, 'evicted', 'retention');
    if (this.listeners.size > 0) {
      this.pendingTransitions.push({ peerId: peer.peerId, from, to: 'evicted', reason: 'retention', at });
    }
  }

  /** Writes a well-known key when `value` is a non-blank string; returns what was written, or ''. */
  private optionalMetadata(peer: PeerState, key: string, value: unknown): string {
    if (value === undefined || value === null) return '';
    if (typeof value !== 'string') {
      this.anomaly('metadata-invalid');
      return '';
    }
    if (value.trim().length === 0) return '';
    const dropped = putMetadata(peer, key, value, this.metadataLimits, key);
    if (dropped) {
      this.anomaly(dropped);
      return '';
    }
    return value;
  }

  private gossipEntry(peer: PeerState, key: unknown, value: unknown): void {
    const dropped = putMetadata(peer, key, value, this.metadataLimits);
    if (dropped) this.anomaly(dropped);
  }

  private ensureTimer(due: number): void {
    if (this.disposed || due >= this.timerDue) return;
    this.timer?.cancel();
    this.timerDue = due;
    // `due` is the end of the earliest bucket; +1 absorbs timer rounding.
    const delay = Math.max(0, due - this.clock.now()) + 1;
    this.timer = this.timers.schedule(() => this.onTimer(), Math.min(delay, 2_147_483_647));
  }

  private onTimer(): void {
    this.timer = undefined;
    this.timerDue = Infinity;
    if (this.disposed) return;
    this.processDue(this.clock.now(), false);
    this.flush();
  }

  private anomaly(kind: PeerHealthAnomalyKind): void {
    this.counters.recordAnomaly(kind);
  }

  private rejected(error: unknown): unknown {
    if (error instanceof PeerHealthInputError) this.anomaly('invalid-input');
    // Expiries applied by begin() are still reported, even though this call changes nothing.
    this.flush();
    return error;
  }

  /**
   * Tells listeners and the alert publisher what changed, after the change is complete. A listener
   * that records into the tracker re-enters safely: its events queue up behind the current ones.
   */
  private flush(): void {
    if (this.dispatching || (this.pendingTransitions.length === 0 && this.pendingAlerts.length === 0)) return;
    this.dispatching = true;
    try {
      for (let i = 0; i < this.pendingTransitions.length || i < this.pendingAlerts.length; i++) {
        const transition = this.pendingTransitions[i];
        if (transition) for (const listener of this.listeners) this.notify(listener, transition);
        const alert = this.pendingAlerts[i];
        if (alert) this.publish(alert);
      }
    } finally {
      this.pendingTransitions.length = 0;
      this.pendingAlerts.length = 0;
      this.dispatching = false;
    }
  }

  private notify(listener: PeerHealthTransitionListener, transition: PeerHealthTransition): void {
    try {
      listener(transition);
    } catch (error) {
      this.anomaly('listener-failure');
      this.logger.error(`A peer health transition listener threw: ${String(error)}`);
    }
  }

  private publish(alert: PeerHealthAlert): void {
    const failed = (error: unknown): void => {
      this.anomaly('alert-publish-failure');
      this.logger.warn(`Publishing alert ${alert.name} for ${alert.attributes['peer.id']} failed: ${String(error)}`);
    };
    try {
      const result = this.alertPublisher?.publish(alert);
      if (result instanceof Promise) result.catch(failed);
    } catch (error) {
      failed(error);
    }
  }
}
