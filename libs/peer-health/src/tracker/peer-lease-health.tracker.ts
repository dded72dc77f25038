import { Logger } from '@nestjs/common';
import type { PeerHealthSnapshotProvider } from '../base/interfaces/peer-health-snapshot-provider.interface';
import type {
  PeerHealthStatus,
  PeerHealthTransitionListener,
  PeerHealthTransitionReason,
} from '../base/interfaces/peer-health-transition.interface';
import type { PeerLeaseHandle } from '../base/interfaces/peer-lease-handle.interface';
import type {
  PeerHealthAnomalyEvent,
  PeerHealthAnomalyListener,
  PeerHealthLeadershipChange,
  PeerHealthLeadershipListener,
} from '../base/interfaces/peer-health-stream-events.interface';
import type { PeerLeaseHealthSnapshot, PeerLeaseHealthSummary } from '../base/interfaces/peer-lease-health-snapshot.interface';
import { PeerHealthInputError } from '../base/errors/peer-health.errors';
import { LEASE_EXPIRED_REASON } from '../base/peer-health.constants';
import type { PeerHealthAnomalyKind } from '../base/peer-health-anomaly';
import { compareOrdinal } from '../base/ordering';
import { FlapDetector } from './flap-detector';
import { HealthDeadlines } from './health-deadlines';
import { GracePeriodPolicy } from './health-policy/grace-period.policy';
import { assertPendingCount, assertPeerId, assertRequeued, canonicalLease } from './input-validation';
import type { PeerEventSink } from './interfaces/peer-event-sink.interface';
import type { PeerHealthPolicy } from './interfaces/peer-health-policy.interface';
import type { PeerLeaseHealthTrackerOptions } from './interfaces/peer-lease-health-tracker-options.interface';
import { findLease, findMetadata, putLease, removeLease } from './peer-collections';
import { PeerEventCounters } from './peer-event-counters';
import type { PeerHealthProducerChannel, PeerHealthProducerChannelOptions } from '../base/interfaces/peer-health-producer.interface';
import { openProducerChannel } from './producers/open-producer-channel';
import { putMetadata, WELL_KNOWN_KEYS } from './peer-metadata';
import { PeerRecorder } from './peer-recorder';
import { buildPeerSnapshot } from './peer-snapshot';
import { NEVER, pendingCountText, PeerState } from './peer-state';
import { PolicyPeerState } from './policy-peer-state';
import { ListenerSet } from './listener-set';
import { TrackerEventQueue } from './tracker-event-queue';
import { resolveTrackerSettings, type TrackerLogger, type TrackerSettings } from './tracker-settings';

/**
 * The lease the peer holds that equals `handle` field for field, or undefined. Such a handle needs
 * no validation: it equals a lease that was validated when it was added. The peer's held lease
 * (see PeerState.heldLease) answers without walking the list; only values are compared, so a
 * caller reusing or mutating its object is always safe.
 */
function heldLease(peer: PeerState | undefined, handle: PeerLeaseHandle): PeerLeaseHandle | undefined {
  if (typeof handle !== 'object' || peer === undefined) return undefined;
  const { leaseId, sequenceId, attempt } = handle;
  if (peer.heldLeasesVersion === peer.leasesVersion && leaseId === peer.heldLeaseId && sequenceId === peer.heldSequenceId && attempt === peer.heldAttempt) {
    return peer.heldLease;
  }
  const held = findLease(peer, leaseId);
  return held !== undefined && held.sequenceId === sequenceId && held.attempt === attempt ? held : undefined;
}

/** Remembers `held`, a lease of the peer's list, as the one the next heartbeat most likely names. */
function rememberHeldLease(peer: PeerState, held: PeerLeaseHandle): void {
  if (peer.heldLease === held && peer.heldLeasesVersion === peer.leasesVersion) return;
  peer.heldLease = held;
  peer.heldLeaseId = held.leaseId;
  peer.heldSequenceId = held.sequenceId;
  peer.heldAttempt = held.attempt;
  peer.heldLeasesVersion = peer.leasesVersion;
}

/** Live counts kept incrementally; `trackedPeers` includes both healthy and unhealthy peers. */
export interface PeerLeaseHealthCounts extends PeerLeaseHealthSummary {
  readonly trackedPeers: number;
}

/**
 * Records what control-plane services learn about their peers and answers, at any time, who is
 * healthy. Every record method is O(1) in the number of peers; health is also re-evaluated on
 * time, by one timer (see HealthDeadlines). Usable with plain `new`, without Nest.
 */
export class PeerLeaseHealthTracker implements PeerHealthSnapshotProvider, PeerEventSink {
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
  private readonly logger: TrackerLogger;
  private readonly peers = new Map<string, PeerState>();
  private readonly deadlines: HealthDeadlines;
  /** Per-peer state of a configured health policy (undefined under the inline grace rule). */
  private readonly policyStates: WeakMap<PeerState, PolicyPeerState> | undefined;
  private readonly events: TrackerEventQueue;
  private readonly flapping: FlapDetector;
  private readonly anomalyListeners: ListenerSet<PeerHealthAnomalyEvent>;
  private readonly leadershipListeners: ListenerSet<PeerHealthLeadershipChange>;
  /** The last leader published per scope, so that repeating a leader is not a change. */
  private readonly leaders = new Map<string, string | null>();
  /** The peers sorted by id, kept until a peer is added or evicted. */
  private ordered: PeerState[] | undefined;
  private healthyPeers = 0;
  private unhealthyPeers = 0;
  private pendingTotal = 0;
  private changeVersion = 0;
  /**
   * The time of the event a producer channel is applying (its producer's clock); undefined otherwise.
   * @internal
   */
  producerStamp: number | undefined = undefined;

  /** @throws PeerHealthConfigurationError naming the first option that cannot work. */
  constructor(options: PeerLeaseHealthTrackerOptions = {}) {
    this.settings = resolveTrackerSettings(options);
    this.heartbeatGracePeriodMs = this.settings.heartbeatGracePeriodMs;
    this.retentionMs = this.settings.retentionMs;
    this.healthPolicy = options.healthPolicy ?? new GracePeriodPolicy({ gracePeriodMs: this.heartbeatGracePeriodMs });
    this.logger = this.settings.logger ?? new Logger(PeerLeaseHealthTracker.name);
    this.counters = new PeerEventCounters(this.settings);
    const anomaly = (kind: PeerHealthAnomalyKind): void => {
      this.counters.recordAnomaly(kind);
    };
    this.events = new TrackerEventQueue(this.settings, this.logger, anomaly);
    const listenerFailed = (error: unknown): void => {
      this.logger.error(`A peer health event listener threw: ${String(error)}`);
    };
    this.anomalyListeners = new ListenerSet(listenerFailed);
    this.leadershipListeners = new ListenerSet(listenerFailed);
    this.flapping = new FlapDetector(this.settings, this.logger, () => {
      anomaly('flapping');
    });
    this.policyStates = this.settings.healthPolicy === undefined ? undefined : new WeakMap();
    this.deadlines = new HealthDeadlines(
      this.settings,
      {
        // `due` is the last instant the peer is still healthy (equal is still healthy): it turns unhealthy 1 ms later.
        expire: (peer, due) => {
          this.setHealthy(peer, false, 'heartbeat-expired', due + 1);
        },
        evict: (peer, due) => {
          this.evict(peer, due);
        },
        afterTimer: () => {
          this.events.flush();
        },
      },
      () => {
        this.evaluateHealth();
      },
      this.policyStates,
    );
  }

  /** Grows with every change of tracked state; equal versions mean equal snapshots. */
  get version(): number {
    return this.changeVersion;
  }

  /**
   * A worker took a lease: adds it, counts as a heartbeat, clears "disconnected", sets `resource.type`
   * and `resource.id` metadata when given, and takes one off the peer's pending reassignments.
   * @throws PeerHealthInputError for a bad peer id or handle, before anything changes.
   */
  recordLeaseAssignment(peerId: string, handle: PeerLeaseHandle, resourceType?: string, resourceId?: string): void {
    this.checkPeerId(peerId);
    this.applyAssign(peerId, undefined, handle, resourceType, resourceId);
  }

  /**
   * A lease ended: removes it and counts as a heartbeat; `requeued` adds one pending reassignment.
   * A release does not clear "disconnected".
   * @throws PeerHealthInputError for a bad peer id, handle or `requeued`, before anything changes.
   */
  recordLeaseReleased(peerId: string, handle: PeerLeaseHandle, requeued: boolean): void {
    this.checkPeerId(peerId);
    this.applyRelease(peerId, undefined, handle, requeued);
  }

  /**
   * The peer is alive: clears "disconnected"; adds the handle's lease if it is not active yet; sets
   * `pending.count` metadata to `pendingCount` when given.
   * @throws PeerHealthInputError for a bad peer id, handle or count, before anything changes.
   */
  recordLeaseHeartbeat(peerId: string, handle?: PeerLeaseHandle | null, pendingCount?: number): void {
    this.checkPeerId(peerId);
    this.applyHeartbeat(peerId, undefined, handle, pendingCount);
  }

  /**
   * The peer disconnected: it is unhealthy until its next heartbeat or assignment; a non-blank
   * `reason` is kept as `disconnect.reason` metadata.
   * @throws PeerHealthInputError for a bad peer id, before anything changes.
   */
  recordDisconnect(peerId: string, reason?: string): void {
    this.checkPeerId(peerId);
    this.applyDisconnect(peerId, undefined, reason);
  }

  /**
   * A lease of the peer expired (the peer stopped renewing it): the snapshot is that of
   * `recordLeaseReleased(peerId, handle, requeued)` followed by `recordDisconnect(peerId, 'lease-expired')`,
   * but the peer is never healthy in between: at most one transition, healthy -> unhealthy with reason
   * `lease-expired` (none when it was unhealthy already). `requeued` defaults to true.
   * @throws PeerHealthInputError for a bad peer id, handle or `requeued`, before anything changes.
   */
  recordLeaseExpired(peerId: string, handle: PeerLeaseHandle, requeued = true): void {
    this.checkPeerId(peerId);
    this.applyExpire(peerId, undefined, handle, requeued);
  }

  /**
   * Merges gossip metadata (keys compare case-insensitively). Blank keys and null values are
   * skipped; entries from remote nodes that are not strings or exceed the limits are dropped and
   * counted as anomalies, never thrown.
   * @throws PeerHealthInputError for a bad peer id only.
   */
  recordGossip(peerId: string, metadata: Readonly<Record<string, string>> | ReadonlyMap<string, string>): void {
    this.checkPeerId(peerId);
    this.applyGossip(peerId, undefined, metadata);
  }

  /**
   * A recorder bound to one peer, for producers that hold a peer (a connection, a session): the same
   * semantics as the by-id methods, without looking the peer up on every event. It stays valid when
   * the peer is evicted: the next event tracks the peer again.
   * @throws PeerHealthInputError for a bad peer id.
   */
  peer(peerId: string): PeerRecorder {
    this.checkPeerId(peerId);
    return new PeerRecorder(this, peerId);
  }

  /**
   * A channel for one producer thread: pass its `handle` to a worker, which records through
   * `connectPeerHealthProducer(handle)` (the kit's `/producer` subpath). Events arrive through
   * shared memory and are applied in slices on this thread, each at the time it was recorded.
   * @throws PeerHealthConfigurationError for a bad `capacityBytes`.
   */
  openProducerChannel(options?: PeerHealthProducerChannelOptions): PeerHealthProducerChannel {
    return openProducerChannel(this, this.settings, this.counters.producers, options);
  }

  /** A peer never seen is eligible; otherwise eligible means healthy now. */
  isPeerEligible(peerId: string): boolean {
    this.evaluateHealth();
    return this.peers.get(peerId)?.healthy ?? true;
  }

  /** Immutable snapshots of every tracked peer, health evaluated at the current clock time; unordered. */
  snapshot(): readonly PeerLeaseHealthSnapshot[] {
    this.evaluateHealth();
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
    this.evaluateHealth();
    this.ordered ??= [...this.peers.values()].sort((a, b) => compareOrdinal(a.peerId, b.peerId));
    return this.ordered;
  }

  /** Current counts, kept incrementally (no walk over the peers). */
  counts(): PeerLeaseHealthCounts {
    this.evaluateHealth();
    return {
      eligiblePeers: this.healthyPeers,
      unhealthyPeers: this.unhealthyPeers,
      pendingReassignments: this.pendingTotal,
      trackedPeers: this.peers.size,
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
    const off = this.anomalyListeners.add(listener);
    this.counters.anomalyHook = (kind, count) => {
      this.anomalyListeners.emit({ kind, count, at: this.settings.clock.now() });
    };
    return () => {
      off();
      if (this.anomalyListeners.size === 0) this.counters.anomalyHook = undefined;
    };
  }

  /**
   * The extension point for leadership: a leadership service calls this when the leader of a scope
   * changes (or the scope loses its leader), and the kit's event stream tells its watchers. Repeating
   * the current leader of a scope is not a change and is not published.
   */
  publishLeadership(change: Omit<PeerHealthLeadershipChange, 'at'> & { readonly at?: number }): void {
    if (typeof change.scope !== 'string' || change.scope.length === 0) return;
    const leaderId = typeof change.leaderId === 'string' ? change.leaderId : null;
    if (this.leaders.has(change.scope) && this.leaders.get(change.scope) === leaderId) return;
    if (this.leaders.size >= 4096 && !this.leaders.has(change.scope)) return;
    this.leaders.set(change.scope, leaderId);
    if (this.leadershipListeners.size === 0) return;
    const at = typeof change.at === 'number' && Number.isFinite(change.at) ? change.at : this.settings.clock.now();
    const term = typeof change.term === 'number' && Number.isFinite(change.term) ? change.term : undefined;
    this.leadershipListeners.emit(term === undefined ? { scope: change.scope, leaderId, at } : { scope: change.scope, leaderId, term, at });
  }

  /** Calls `listener` after each published leadership change; returns the unsubscribe function. */
  onLeadership(listener: PeerHealthLeadershipListener): () => void {
    return this.leadershipListeners.add(listener);
  }

  /** The leader of every scope published so far (null: the scope has no leader now). */
  publishedLeaders(): ReadonlyMap<string, string | null> {
    return new Map(this.leaders);
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

  // The recording path. The by-id methods and PeerRecorder both come here: `known` is the recorder's
  // state of the peer (undefined by id). Each validates everything before it changes anything.

  /** @internal */
  applyAssign(
    peerId: string,
    known: PeerState | undefined,
    handle: PeerLeaseHandle,
    resourceType?: string,
    resourceId?: string,
  ): PeerState | undefined {
    const now = this.begin();
    let lease: PeerLeaseHandle;
    try {
      lease = canonicalLease(handle);
    } catch (error) {
      throw this.rejected(error);
    }
    const peer = this.admit(peerId, now, known);
    if (peer) {
      putLease(peer, lease);
      if (peer.pendingReassignments > 0) {
        peer.pendingReassignments--;
        this.pendingTotal--;
      }
      const type = this.optionalMetadata(peer, WELL_KNOWN_KEYS.resourceType, resourceType);
      const id = this.optionalMetadata(peer, WELL_KNOWN_KEYS.resourceId, resourceId);
      this.counters.recordAssignment(peer.counters, type, id);
      peer.disconnected = false;
      this.heartbeatAt(peer, now, 'assignment');
    }
    this.events.flush();
    return peer;
  }

  /** @internal */
  applyRelease(peerId: string, known: PeerState | undefined, handle: PeerLeaseHandle, requeued: boolean): PeerState | undefined {
    const now = this.begin();
    const lease = this.releasedLease(handle, requeued);
    const peer = this.admit(peerId, now, known);
    if (peer) this.releaseLease(peer, lease, requeued, now);
    this.events.flush();
    return peer;
  }

  /** @internal */
  applyExpire(peerId: string, known: PeerState | undefined, handle: PeerLeaseHandle, requeued: boolean): PeerState | undefined {
    const now = this.begin();
    const lease = this.releasedLease(handle, requeued);
    const peer = this.admit(peerId, now, known);
    if (peer) {
      // Marked first, so that the release's sign of life cannot make the peer healthy for an instant.
      peer.disconnected = true;
      this.releaseLease(peer, lease, requeued, now);
      this.disconnectAt(peer, now, LEASE_EXPIRED_REASON, 'lease-expired');
    }
    this.events.flush();
    return peer;
  }

  /** The handle of a release or an expiry in canonical form, checked before any state changes. */
  private releasedLease(handle: PeerLeaseHandle, requeued: boolean): PeerLeaseHandle {
    try {
      const lease = canonicalLease(handle);
      assertRequeued(requeued);
      return lease;
    } catch (error) {
      throw this.rejected(error);
    }
  }

  private releaseLease(peer: PeerState, lease: PeerLeaseHandle, requeued: boolean, now: number): void {
    if (!removeLease(peer, lease.leaseId)) this.counters.recordAnomaly('unknown-lease-release');
    if (requeued) {
      peer.pendingReassignments++;
      this.pendingTotal++;
      peer.counters.requeuedReleases++;
    }
    peer.counters.releases++;
    this.heartbeatAt(peer, now, 'release');
  }

  /** @internal */
  applyHeartbeat(
    peerId: string,
    known: PeerState | undefined,
    handle: PeerLeaseHandle | null | undefined,
    pendingCount: number | undefined,
  ): PeerState | undefined {
    const now = this.begin();
    const prior = known && !known.evicted ? known : this.peers.get(peerId);
    let held: PeerLeaseHandle | undefined;
    let lease: PeerLeaseHandle | undefined;
    try {
      assertPendingCount(pendingCount);
      if (handle !== undefined && handle !== null) {
        held = heldLease(prior, handle);
        lease = held ?? canonicalLease(handle);
      }
    } catch (error) {
      throw this.rejected(error);
    }
    const peer = this.admit(peerId, now, prior);
    if (peer) {
      // Unless the very state that holds it came back, check again: admit() may have evicted the peer.
      if (lease && !(held === lease && peer === prior)) {
        const listed = findLease(peer, lease.leaseId);
        if (!listed) putLease(peer, lease);
        held = listed ?? lease;
      }
      // Only a listed lease equal to the handle field for field may stand for it next time.
      if (held && lease && held.sequenceId === lease.sequenceId && held.attempt === lease.attempt) rememberHeldLease(peer, held);
      if (pendingCount !== undefined && pendingCount !== peer.lastPendingCount) this.writePendingCount(peer, pendingCount);
      peer.counters.heartbeats++;
      peer.disconnected = false;
      this.heartbeatAt(peer, now, 'heartbeat');
    }
    this.events.flush();
    return peer;
  }

  /** @internal */
  applyDisconnect(peerId: string, known: PeerState | undefined, reason: string | undefined): PeerState | undefined {
    const now = this.begin();
    const peer = this.admit(peerId, now, known);
    if (peer) this.disconnectAt(peer, now, reason, 'disconnect');
    this.events.flush();
    return peer;
  }

  private disconnectAt(peer: PeerState, now: number, reason: string | undefined, transition: PeerHealthTransitionReason): void {
    peer.lastDisconnect = now;
    peer.disconnected = true;
    const policed = this.policyStates?.get(peer);
    if (policed !== undefined) this.settings.healthPolicy?.recordDisconnect?.(policed.history, now);
    const label = this.optionalMetadata(peer, WELL_KNOWN_KEYS.disconnectReason, reason);
    this.counters.recordDisconnect(peer.counters, label);
    this.setHealthy(peer, false, transition, now);
    this.changedPeer(peer);
    if (this.events.publishing) {
      this.events.pushAlert({
        name: 'peer_disconnect',
        severity: 'warning',
        message: `Peer ${peer.peerId} disconnected${label ? `: ${label}` : ''}`,
        attributes: Object.freeze({ 'peer.id': peer.peerId, reason: label || 'unspecified' }),
        at: now,
      });
    }
  }

  /** @internal */
  applyGossip(
    peerId: string,
    known: PeerState | undefined,
    metadata: Readonly<Record<string, string>> | ReadonlyMap<string, string>,
  ): PeerState | undefined {
    const now = this.begin();
    const input: unknown = metadata;
    if (typeof input !== 'object' || input === null) {
      this.counters.recordAnomaly('metadata-invalid');
      this.events.flush();
      return known;
    }
    const peer = this.admit(peerId, now, known);
    if (peer) {
      if (metadata instanceof Map) {
        for (const [key, value] of metadata as ReadonlyMap<unknown, unknown>) this.gossipEntry(peer, key, value);
      } else {
        const record = metadata as Readonly<Record<string, unknown>>;
        for (const key of Object.keys(record)) this.gossipEntry(peer, key, record[key]);
      }
      this.counters.gossipUpdates++;
      this.changeVersion++;
    }
    this.events.flush();
    return peer;
  }

  private checkPeerId(peerId: string): void {
    try {
      assertPeerId(peerId, this.settings.maxPeerIdLength);
    } catch (error) {
      // A rejected call still applies the deadlines that are due, as any other call does.
      this.begin();
      throw this.rejected(error);
    }
  }

  /** Applies the deadlines due in whole buckets (O(1) when none is) and returns the time of the event. */
  private begin(): number {
    const now = this.settings.clock.now();
    this.deadlines.applyDueBuckets(now);
    return this.producerStamp ?? now;
  }

  /**
   * The peer's state for an event at `now`, created when the peer is new. Deadlines of this peer
   * that passed within a bucket not swept yet are applied first, so the event sees what a read at
   * `now` would. Undefined when the peer is new and `maxPeers` are tracked already.
   */
  private admit(peerId: string, now: number, known: PeerState | undefined): PeerState | undefined {
    let peer = known && !known.evicted ? known : this.peers.get(peerId);
    if (peer && peer.lastActivity + this.settings.retentionMs < now) {
      this.evict(peer, peer.lastActivity + this.settings.retentionMs);
      peer = undefined;
    }
    if (!peer) {
      // At the limit, idle peers whose retention ended within an unswept bucket make room first.
      if (this.peers.size >= this.settings.maxPeers) this.deadlines.applyExact(now);
      if (this.peers.size >= this.settings.maxPeers) {
        this.counters.recordAnomaly('peer-limit');
        return undefined;
      }
      peer = new PeerState(peerId, this.counters.cellFor(peerId));
      this.peers.set(peerId, peer);
      this.ordered = undefined;
      this.healthyPeers++;
      this.changeVersion++;
    } else if (peer.healthy && !peer.disconnected && peer.lastHeartbeat !== NEVER) {
      const until =
        this.policyStates === undefined
          ? peer.lastHeartbeat + this.settings.heartbeatGracePeriodMs
          : (this.policyStates.get(peer)?.healthyUntil ?? Infinity);
      if (until < now) this.setHealthy(peer, false, 'heartbeat-expired', until + 1);
    }
    peer.lastActivity = now;
    this.deadlines.watchRetention(peer, now);
    return peer;
  }

  private heartbeatAt(peer: PeerState, now: number, reason: PeerHealthTransitionReason): void {
    peer.lastHeartbeat = now;
    this.changedPeer(peer);
    if (this.policyStates !== undefined) this.askPolicy(this.policyStates, peer, now);
    if (peer.disconnected) return;
    this.deadlines.watchExpiry(peer, now);
    this.setHealthy(peer, true, reason, now);
  }

  /** The slow twin of the inline grace rule: asks the configured policy, and keeps its answer sane. */
  private askPolicy(states: WeakMap<PeerState, PolicyPeerState>, peer: PeerState, now: number): void {
    const policy = this.healthPolicy;
    let state = states.get(peer);
    if (state === undefined) {
      state = new PolicyPeerState(policy.createPeerHistory());
      states.set(peer, state);
    }
    const until = policy.recordArrival(state.history, now);
    state.healthyUntil = typeof until === 'number' && until >= now ? until : now;
  }

  private writePendingCount(peer: PeerState, pendingCount: number): void {
    const text = pendingCountText(pendingCount);
    // The entry this path wrote is still where it was: note the new count on the peer, and let the
    // next reader of the list write it (PeerState.metadata), without touching the list here.
    if (peer.pendingCountAt >= 0 && peer.lastPendingCount >= 0 && text.length <= this.settings.metadataLimits.maxValueLength) {
      peer.lastPendingCount = pendingCount;
      peer.pendingCountUnwritten = true;
      peer.changed();
      return;
    }
    const dropped = putMetadata(peer, WELL_KNOWN_KEYS.pendingCount, text, this.settings.metadataLimits, WELL_KNOWN_KEYS.pendingCount);
    if (dropped) {
      this.counters.recordAnomaly(dropped);
      return;
    }
    peer.lastPendingCount = pendingCount;
    peer.pendingCountAt = findMetadata(peer, WELL_KNOWN_KEYS.pendingCount);
  }

  private setHealthy(peer: PeerState, healthy: boolean, reason: PeerHealthTransitionReason, at: number): void {
    if (peer.healthy === healthy) return;
    peer.healthy = healthy;
    this.changedPeer(peer);
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
    this.flapping.record(peer, at);
    if (this.events.listening) this.events.pushTransition({ peerId: peer.peerId, from, to, reason, at });
  }

  private evict(peer: PeerState, at: number): void {
    peer.evicted = true;
    this.peers.delete(peer.peerId);
    this.ordered = undefined;
    if (peer.healthy) this.healthyPeers--;
    else this.unhealthyPeers--;
    this.pendingTotal -= peer.pendingReassignments;
    this.changeVersion++;
    const from: PeerHealthStatus = peer.healthy ? 'healthy' : 'unhealthy';
    this.counters.recordTransition(from, 'evicted', 'retention');
    if (this.events.listening) this.events.pushTransition({ peerId: peer.peerId, from, to: 'evicted', reason: 'retention', at });
  }

  private changedPeer(peer: PeerState): void {
    peer.changed();
    this.changeVersion++;
  }

  /** Writes a well-known key when `value` is a non-blank string; returns what was written, or ''. */
  private optionalMetadata(peer: PeerState, key: string, value: unknown): string {
    if (value === undefined || value === null) return '';
    if (typeof value !== 'string') {
      this.counters.recordAnomaly('metadata-invalid');
      return '';
    }
    if (value.trim().length === 0) return '';
    const dropped = putMetadata(peer, key, value, this.settings.metadataLimits, key);
    if (dropped) {
      this.counters.recordAnomaly(dropped);
      return '';
    }
    return value;
  }

  private gossipEntry(peer: PeerState, key: unknown, value: unknown): void {
    const dropped = putMetadata(peer, key, value, this.settings.metadataLimits);
    if (dropped) this.counters.recordAnomaly(dropped);
  }

  private rejected(error: unknown): unknown {
    if (error instanceof PeerHealthInputError) this.counters.recordAnomaly('invalid-input');
    // Expiries applied by begin() are still reported, even though this call changes nothing.
    this.events.flush();
    return error;
  }
}
