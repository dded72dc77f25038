import type { PeerHealthTransitionReason } from '../base/interfaces/peer-health-transition.interface';
import type { PeerLeaseHandle } from '../base/interfaces/peer-lease-handle.interface';
import { PeerHealthInputError } from '../base/errors/peer-health-input.error';
import { LEASE_EXPIRED_REASON } from '../base/peer-health.reasons';
import type { PeerHealthAnomalyKind } from '../base/peer-health-anomaly';
import { disconnectAlert } from './disconnect-alert';
import type { HealthDeadlines } from './health-deadlines';
import { heldLease, rememberHeldLease } from './held-lease';
import { assertPendingCount, assertPeerId, assertRequeued, canonicalLease } from './input-validation';
import type { PeerEventSink } from './interfaces/peer-event-sink.interface';
import type { PeerHealthPolicy } from './interfaces/peer-health-policy.interface';
import { findLease, putLease, removeLease } from './peer-collections';
import type { PeerEventCounters } from './peer-event-counters';
import { WELL_KNOWN_KEYS } from './peer-metadata';
import type { PeerMetadataWriter } from './peer-metadata-writer';
import { NEVER, type PeerState } from './peer-state';
import type { PeerTable } from './peer-table';
import type { PeerTransitions } from './peer-transitions';
import { recordPolicyArrival, type PolicyPeerState } from './policy-peer-state';
import type { TrackerEventQueue } from './tracker-event-queue';
import type { TrackerSettings } from './tracker-settings';

/**
 * The tracker's recording path: applies one event (an assignment, a heartbeat, a release, an
 * expiry, a disconnect, gossip) to one peer. The tracker's by-id methods, PeerRecorder and the
 * producer channels all come here: `known` is the caller's state of the peer (undefined by id).
 * Each method validates everything before it changes anything, and flushes the events it raised.
 * @internal
 */
export class RecordingPath implements PeerEventSink {
  producerStamp: number | undefined = undefined;

  constructor(
    private readonly settings: TrackerSettings,
    private readonly table: PeerTable,
    private readonly transitions: PeerTransitions,
    private readonly deadlines: HealthDeadlines,
    private readonly counters: PeerEventCounters,
    private readonly events: TrackerEventQueue,
    private readonly metadata: PeerMetadataWriter,
    private readonly healthPolicy: PeerHealthPolicy,
    /** Per-peer state of a configured health policy (undefined under the inline grace rule). */
    private readonly policyStates: WeakMap<PeerState, PolicyPeerState> | undefined,
  ) {}

  /** @throws PeerHealthInputError for a bad peer id, after applying the deadlines that are due. */
  checkPeerId(peerId: string): void {
    try {
      assertPeerId(peerId, this.settings.maxPeerIdLength);
    } catch (error) {
      // A rejected call still applies the deadlines that are due, as any other call does.
      this.begin();
      throw this.rejected(error);
    }
  }

  applyAssign(peerId: string, known: PeerState | undefined, handle: PeerLeaseHandle, resourceType?: string, resourceId?: string): PeerState | undefined {
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
        this.table.pendingTotal--;
      }
      const type = this.metadata.writeWellKnown(peer, WELL_KNOWN_KEYS.resourceType, resourceType);
      const id = this.metadata.writeWellKnown(peer, WELL_KNOWN_KEYS.resourceId, resourceId);
      this.counters.recordAssignment(peer.counters, type, id);
      peer.disconnected = false;
      this.heartbeatAt(peer, now, 'assignment');
    }
    this.events.flush();
    return peer;
  }

  applyRelease(peerId: string, known: PeerState | undefined, handle: PeerLeaseHandle, requeued: boolean): PeerState | undefined {
    const now = this.begin();
    const lease = this.releasedLease(handle, requeued);
    const peer = this.admit(peerId, now, known);
    if (peer) this.releaseLease(peer, lease, requeued, now);
    this.events.flush();
    return peer;
  }

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

  applyHeartbeat(
    peerId: string,
    known: PeerState | undefined,
    handle: PeerLeaseHandle | null | undefined,
    pendingCount: number | undefined,
  ): PeerState | undefined {
    const now = this.begin();
    const prior = known && !known.evicted ? known : this.table.get(peerId);
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
      if (pendingCount !== undefined && pendingCount !== peer.lastPendingCount) this.metadata.writePendingCount(peer, pendingCount);
      peer.counters.heartbeats++;
      peer.disconnected = false;
      this.heartbeatAt(peer, now, 'heartbeat');
    }
    this.events.flush();
    return peer;
  }

  applyDisconnect(peerId: string, known: PeerState | undefined, reason: string | undefined): PeerState | undefined {
    const now = this.begin();
    const peer = this.admit(peerId, now, known);
    if (peer) this.disconnectAt(peer, now, reason, 'disconnect');
    this.events.flush();
    return peer;
  }

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
      this.metadata.writeGossip(peer, metadata);
      this.counters.gossipUpdates++;
      this.table.version++;
    }
    this.events.flush();
    return peer;
  }

  reportAnomaly(kind: PeerHealthAnomalyKind): void {
    this.counters.recordAnomaly(kind);
  }

  beginProducerTurn(): void {
    this.deadlines.applyDueBuckets(this.settings.clock.now());
    this.events.flush();
  }

  /**
   * Applies the deadlines due in whole buckets (O(1) when none is) and returns the time of the
   * event. A producer's record has its own time, and its turn applied the due deadlines already.
   */
  private begin(): number {
    const stamp = this.producerStamp;
    if (stamp !== undefined) return stamp;
    const now = this.settings.clock.now();
    this.deadlines.applyDueBuckets(now);
    return now;
  }

  /**
   * The peer's state for an event at `now`, created when the peer is new. Deadlines of this peer
   * that passed within a bucket not swept yet are applied first, so the event sees what a read at
   * `now` would. Undefined when the peer is new and `maxPeers` are tracked already.
   */
  private admit(peerId: string, now: number, known: PeerState | undefined): PeerState | undefined {
    const table = this.table;
    let peer = known && !known.evicted ? known : table.get(peerId);
    if (peer && peer.lastActivity + this.settings.retentionMs < now) {
      this.transitions.evict(peer, peer.lastActivity + this.settings.retentionMs);
      peer = undefined;
    }
    if (!peer) {
      // At the limit, idle peers whose retention ended within an unswept bucket make room first.
      if (table.size >= this.settings.maxPeers) this.deadlines.applyExact(now);
      if (table.size >= this.settings.maxPeers) {
        this.counters.recordAnomaly('peer-limit');
        return undefined;
      }
      peer = table.add(peerId);
    } else if (peer.healthy && !peer.disconnected && peer.lastHeartbeat !== NEVER) {
      const until =
        this.policyStates === undefined
          ? peer.lastHeartbeat + this.settings.heartbeatGracePeriodMs
          : (this.policyStates.get(peer)?.healthyUntil ?? Infinity);
      if (until < now) this.transitions.setHealthy(peer, false, 'heartbeat-expired', until + 1);
    }
    peer.lastActivity = now;
    this.deadlines.watchRetention(peer, now);
    return peer;
  }

  /** A sign of life (a heartbeat, an assignment, a release): healthy again unless disconnected. */
  private heartbeatAt(peer: PeerState, now: number, reason: PeerHealthTransitionReason): void {
    peer.lastHeartbeat = now;
    this.table.changed(peer);
    if (this.policyStates !== undefined) recordPolicyArrival(this.policyStates, this.healthPolicy, peer, now);
    if (peer.disconnected) return;
    this.deadlines.watchExpiry(peer, now);
    this.transitions.setHealthy(peer, true, reason, now);
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
      this.table.pendingTotal++;
      peer.counters.requeuedReleases++;
    }
    peer.counters.releases++;
    this.heartbeatAt(peer, now, 'release');
  }

  private disconnectAt(peer: PeerState, now: number, reason: string | undefined, transition: PeerHealthTransitionReason): void {
    peer.lastDisconnect = now;
    peer.disconnected = true;
    const policed = this.policyStates?.get(peer);
    if (policed !== undefined) this.settings.healthPolicy?.recordDisconnect?.(policed.history, now);
    const label = this.metadata.writeWellKnown(peer, WELL_KNOWN_KEYS.disconnectReason, reason);
    this.counters.recordDisconnect(peer.counters, label);
    this.transitions.setHealthy(peer, false, transition, now);
    this.table.changed(peer);
    if (this.events.publishing) this.events.pushAlert(disconnectAlert(peer.peerId, label, now));
  }

  /** Counts a rejected input and reports what the deadlines applied so far raised; returns `error` to throw. */
  private rejected(error: unknown): unknown {
    if (error instanceof PeerHealthInputError) this.counters.recordAnomaly('invalid-input');
    // Expiries applied by begin() are still reported, even though this call changes nothing.
    this.events.flush();
    return error;
  }
}
