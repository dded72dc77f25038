import { Logger } from '@nestjs/common';
import type { PeerHealthSnapshotProvider } from '../providers/peer-health-snapshot-provider';
import type { PeerHealthAlert, PeerHealthAlertPublisher } from '../telemetry/peer-health-alert';
import type { PeerHealthAnomalyKind } from '../telemetry/peer-health-anomaly';
import { PeerEventCounters } from '../telemetry/peer-event-counters';
import { isPeerHealthTimers, systemClock, systemTimers, type Clock, type PeerHealthTimers, type ScheduledTimer } from './clock';
import { DeadlineQueue } from './deadline-queue';
import { assertPendingCount, assertPeerId, canonicalLeaseId } from './input-validation';
import type { PeerLeaseHandle } from './interfaces/peer-lease-handle.interface';
import type { PeerLeaseHealthSnapshot, PeerLeaseHealthSummary } from './interfaces/peer-lease-health-snapshot.interface';
import type {
  PeerHealthStatus,
  PeerHealthTransition,
  PeerHealthTransitionListener,
  PeerHealthTransitionReason,
} from './interfaces/peer-health-transition.interface';
import type { PeerLeaseHealthTrackerOptions } from './interfaces/peer-lease-health-tracker-options.interface';
import { objectWithMethodsOption, positiveIntegerOption, positiveNumberOption } from './option-checks';
import { PeerHealthInputError } from './peer-health.errors';
import { putMetadata, WELL_KNOWN_KEYS, type ResolvedMetadataLimits } from './peer-metadata';
import { buildPeerSnapshot } from './peer-snapshot';
import { PeerState } from './peer-state';

export const DEFAULT_HEARTBEAT_GRACE_PERIOD_MS = 30_000;

/** Whether the peer already holds exactly this (previously validated) handle. */
function holds(peer: PeerState | undefined, handle: PeerLeaseHandle): boolean {
  if (typeof handle !== 'object') return false;
  const held = peer?.leases?.get(handle.leaseId);
  return held !== undefined && held.sequenceId === handle.sequenceId && held.attempt === handle.attempt;
}
export const DEFAULT_RETENTION_MS = 3_600_000;

/** Live counts kept incrementally; `trackedPeers` includes both healthy and unhealthy peers. */
export interface PeerLeaseHealthCounts extends PeerLeaseHealthSummary {
  readonly trackedPeers: number;
}

/**
 * Records what control-plane services learn about their peers and answers, at any time, who is
 * healthy. Every record method is O(1) in the number of peers; health is also re-evaluated on
 * time, by one timer armed at the earliest grace deadline. Usable with plain `new`.
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
  private readonly expiryQueue = new DeadlineQueue<PeerState>();
  private readonly retentionQueue = new DeadlineQueue<PeerState>();
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
    const leases = (peer.leases ??= new Map<string, PeerLeaseHandle>());
    leases.set(leaseId, Object.freeze({ sequenceId: handle.sequenceId, attempt: handle.attempt, leaseId }));
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
    if (!peer.leases?.delete(leaseId)) this.anomaly('unknown-lease-release');
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
      // handle was validated when it was added, and this one must equal it exactly.
      if (handle !== undefined && handle !== null && !holds(known, handle)) {
        newLease = canonicalLeaseId(handle);
      }
    } catch (error) {
      throw this.rejected(error);
    }
    const peer = this.touch(peerId, now, known);
    if (handle && newLease !== undefined) {
      const leases = (peer.leases ??= new Map<string, PeerLeaseHandle>());
      if (!leases.has(newLease)) {
        leases.set(newLease, Object.freeze({ sequenceId: handle.sequenceId, attempt: handle.attempt, leaseId: newLease }));
      }
    }
    if (pendingCount !== undefined && pendingCount !== peer.lastPendingCount) {
      const dropped = putMetadata(peer, WELL_KNOWN_KEYS.pendingCount, String(pendingCount), this.metadataLimits, WELL_KNOWN_KEYS.pendingCount);
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
    this.expiryQueue.remove(peer.expiry);
    const label = this.optionalMetadata(peer, WELL_KNOWN_KEYS.disconnectReason, reason);
    this.counters.recordDisconnect(peer.counters, label);
    this.setHealthy(peer, false, 'disconnect', now);
    peer.snapshot = undefined;
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
    this.begin();
    this.flush();
    return this.peers.get(peerId)?.healthy ?? true;
  }

  /** Immutable snapshots of every tracked peer, health evaluated at the current clock time; unordered. */
  snapshot(): readonly PeerLeaseHealthSnapshot[] {
    this.begin();
    this.flush();
    const result = new Array<PeerLeaseHealthSnapshot>(this.peers.size);
    let index = 0;
    for (const peer of this.peers.values()) result[index++] = peer.snapshot ??= buildPeerSnapshot(peer);
    return Object.freeze(result);
  }

  /** Current counts, kept incrementally (no walk over the peers). */
  counts(): PeerLeaseHealthCounts {
    this.begin();
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
    this.begin();
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

  private begin(): number {
    const now = this.clock.now();
    const expiry = this.expiryQueue.head;
    const retention = this.retentionQueue.head;
    if ((expiry && expiry.due < now) || (retention && retention.due < now)) this.processDue(now);
    return now;
  }

  private processDue(now: number): void {
    for (let node = this.expiryQueue.head; node && node.due < now; node = this.expiryQueue.head) {
      this.expiryQueue.remove(node);
      const peer = node.owner;
      if (peer.healthy) {
        this.setHealthy(peer, false, 'heartbeat-expired', node.due);
        peer.snapshot = undefined;
        this.changeVersion++;
      }
    }
    for (let node = this.retentionQueue.head; node && node.due < now; node = this.retentionQueue.head) {
      this.evict(node.owner, node.due);
    }
  }

  private touch(peerId: string, now: number, known?: PeerState): PeerState {
    let peer = known ?? this.peers.get(peerId);
    if (!peer) {
      peer = new PeerState(peerId, this.counters.cellFor(peerId));
      this.peers.set(peerId, peer);
      this.healthyPeers++;
    }
    if (this.retentionMs !== Infinity) {
      const due = now + this.retentionMs;
      this.retentionQueue.upsert(peer.retention, due);
      this.ensureTimer(due);
    }
    return peer;
  }

  private heartbeatAt(peer: PeerState, now: number, reason: PeerHealthTransitionReason): void {
    peer.lastHeartbeat = now;
    peer.snapshot = undefined;
    this.changeVersion++;
    if (peer.disconnected) return;
    const due = now + this.heartbeatGracePeriodMs;
    this.expiryQueue.upsert(peer.expiry, due);
    this.ensureTimer(due);
    this.setHealthy(peer, true, reason, now);
  }

  private setHealthy(peer: PeerState, healthy: boolean, reason: PeerHealthTransitionReason, at: number): void {
    if (peer.healthy === healthy) return;
    peer.healthy = healthy;
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
    this.retentionQueue.remove(peer.retention);
    this.expiryQueue.remove(peer.expiry);
    this.peers.delete(peer.peerId);
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
    // +1: a peer is still healthy exactly at its deadline and unhealthy just after it.
    const delay = Math.max(0, due - this.clock.now()) + 1;
    this.timer = this.timers.schedule(() => this.onTimer(), Math.min(delay, 2_147_483_647));
  }

  private onTimer(): void {
    this.timer = undefined;
    this.timerDue = Infinity;
    if (this.disposed) return;
    this.begin();
    this.flush();
    const expiry = this.expiryQueue.head;
    const retention = this.retentionQueue.head;
    const next = Math.min(expiry ? expiry.due : Infinity, retention ? retention.due : Infinity);
    if (next !== Infinity) this.ensureTimer(next);
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
