// The baseline: a naive, straightforward port of the seed system's tracker, as a port would first be
// written. A map of per-peer state; every event increments prom-client counters with labels on the
// spot; every fetch walks all peers, builds fresh objects and serializes the whole payload; health is
// only evaluated when someone asks. It produces the same JSON as the kit for the same events.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Clock, PeerLeaseHandle } from '@omnirelay/peer-health';

interface NaivePeer {
  leases: Map<string, PeerLeaseHandle>;
  metadata: Map<string, { key: string; value: string }>;
  lastHeartbeat: number | undefined;
  lastDisconnect: number | undefined;
  disconnected: boolean;
  pendingReassignments: number;
}

function formatDate(ms: number | undefined): string {
  if (ms === undefined) return '0001-01-01T00:00:00+00:00';
  const iso = new Date(ms).toISOString();
  const fraction = iso.slice(20, 23).replace(/0+$/, '');
  return `${iso.slice(0, 19)}${fraction ? `.${fraction}` : ''}+00:00`;
}

export class NaivePeerTracker {
  private readonly peers = new Map<string, NaivePeer>();
  private readonly assignments: Counter;
  private readonly heartbeats: Counter;
  private readonly disconnects: Counter;
  private readonly healthy: Gauge;
  private readonly unhealthy: Gauge;
  private readonly pending: Gauge;

  constructor(
    private readonly graceMs: number,
    private readonly clock: Clock,
    registry: Registry,
  ) {
    const registers = [registry];
    this.assignments = new Counter({ name: 'omnirelay_peer_lease_assignments_total', help: 'a', labelNames: ['rpc_peer', 'lease_resource_type', 'lease_resource_id'], registers });
    this.heartbeats = new Counter({ name: 'omnirelay_peer_lease_heartbeats_total', help: 'h', labelNames: ['rpc_peer'], registers });
    this.disconnects = new Counter({ name: 'omnirelay_peer_lease_disconnects_total', help: 'd', labelNames: ['rpc_peer', 'lease_disconnect_reason'], registers });
    this.healthy = new Gauge({ name: 'omnirelay_peer_lease_healthy', help: 'h', registers });
    this.unhealthy = new Gauge({ name: 'omnirelay_peer_lease_unhealthy', help: 'u', registers });
    this.pending = new Gauge({ name: 'omnirelay_peer_lease_pending_reassignments', help: 'p', registers });
  }

  private peer(peerId: string): NaivePeer {
    if (typeof peerId !== 'string' || peerId.trim() === '') throw new TypeError('peerId');
    let peer = this.peers.get(peerId);
    if (!peer) {
      peer = { leases: new Map(), metadata: new Map(), lastHeartbeat: undefined, lastDisconnect: undefined, disconnected: false, pendingReassignments: 0 };
      this.peers.set(peerId, peer);
    }
    return peer;
  }

  private setMetadata(peer: NaivePeer, key: string, value: string): void {
    const existing = peer.metadata.get(key.toLowerCase());
    if (existing) existing.value = value;
    else peer.metadata.set(key.toLowerCase(), { key, value });
  }

  recordLeaseAssignment(peerId: string, handle: PeerLeaseHandle, resourceType?: string, resourceId?: string): void {
    const peer = this.peer(peerId);
    peer.leases.set(handle.leaseId.toLowerCase(), { sequenceId: handle.sequenceId, attempt: handle.attempt, leaseId: handle.leaseId.toLowerCase() });
    peer.lastHeartbeat = this.clock.now();
    peer.disconnected = false;
    if (resourceType) this.setMetadata(peer, 'resource.type', resourceType);
    if (resourceId) this.setMetadata(peer, 'resource.id', resourceId);
    if (peer.pendingReassignments > 0) peer.pendingReassignments--;
    this.assignments.labels(peerId, resourceType ?? '', resourceId ?? '').inc();
  }

  recordLeaseReleased(peerId: string, handle: PeerLeaseHandle, requeued: boolean): void {
    const peer = this.peer(peerId);
    peer.leases.delete(handle.leaseId.toLowerCase());
    peer.lastHeartbeat = this.clock.now();
    if (requeued) peer.pendingReassignments++;
  }

  recordLeaseHeartbeat(peerId: string, handle?: PeerLeaseHandle, pendingCount?: number): void {
    const peer = this.peer(peerId);
    peer.lastHeartbeat = this.clock.now();
    peer.disconnected = false;
    if (handle && !peer.leases.has(handle.leaseId.toLowerCase())) {
      peer.leases.set(handle.leaseId.toLowerCase(), { sequenceId: handle.sequenceId, attempt: handle.attempt, leaseId: handle.leaseId.toLowerCase() });
    }
    if (pendingCount !== undefined) this.setMetadata(peer, 'pending.count', String(pendingCount));
    this.heartbeats.labels(peerId).inc();
  }

  recordDisconnect(peerId: string, reason?: string): void {
    const peer = this.peer(peerId);
    peer.lastDisconnect = this.clock.now();
    peer.disconnected = true;
    if (reason && reason.trim()) this.setMetadata(peer, 'disconnect.reason', reason);
    this.disconnects.labels(peerId, reason ?? '').inc();
  }

  recordGossip(peerId: string, metadata: Readonly<Record<string, string>>): void {
    const peer = this.peer(peerId);
    for (const [key, value] of Object.entries(metadata)) {
      if (key.trim()) this.setMetadata(peer, key, value);
    }
  }

  /** The whole payload, built fresh and serialized at once. */
  fetchBody(): string {
    const now = this.clock.now();
    const peers = [...this.peers.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([peerId, peer]) => {
        const isHealthy = !peer.disconnected && (peer.lastHeartbeat === undefined || now - peer.lastHeartbeat <= this.graceMs);
        const metadata: Record<string, string> = {};
        for (const entry of [...peer.metadata.values()].sort((a, b) => (a.key.toUpperCase() < b.key.toUpperCase() ? -1 : 1))) {
          metadata[entry.key] = entry.value;
        }
        return {
          peerId,
          lastHeartbeat: formatDate(peer.lastHeartbeat),
          ...(peer.lastDisconnect === undefined ? {} : { lastDisconnect: formatDate(peer.lastDisconnect) }),
          isHealthy,
          activeAssignments: peer.leases.size,
          pendingReassignments: peer.pendingReassignments,
          activeLeases: [...peer.leases.values()]
            .sort((a, b) => a.sequenceId - b.sequenceId || a.attempt - b.attempt || (a.leaseId < b.leaseId ? -1 : 1))
            .map((l) => ({ sequenceId: l.sequenceId, attempt: l.attempt, leaseId: l.leaseId })),
          metadata,
        };
      });
    const summary = {
      eligiblePeers: peers.filter((p) => p.isHealthy).length,
      unhealthyPeers: peers.filter((p) => !p.isHealthy).length,
      pendingReassignments: peers.reduce((n, p) => n + p.pendingReassignments, 0),
    };
    this.healthy.set(summary.eligiblePeers);
    this.unhealthy.set(summary.unhealthyPeers);
    this.pending.set(summary.pendingReassignments);
    return JSON.stringify({ peers, summary });
  }

  get size(): number {
    return this.peers.size;
  }
}
