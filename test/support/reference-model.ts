// A deliberately plain model of the design's rules, written for clarity, not speed: a map of peers,
// health computed when asked, the body built from scratch with JSON.stringify per value. The
// property tests run the same random events through it and through the kit and compare bytes.

export interface ModelLimits {
  readonly graceMs: number;
  readonly retentionMs: number;
  readonly maxPeers: number;
  readonly maxPeerIdLength: number;
  readonly maxEntriesPerPeer: number;
  readonly maxKeyLength: number;
  readonly maxValueLength: number;
}

interface ModelLease {
  readonly sequenceId: number;
  readonly attempt: number;
  readonly leaseId: string;
}

interface ModelPeer {
  readonly leases: Map<string, ModelLease>;
  /** Keyed by the lower-cased key; the first spelling is kept. */
  readonly metadata: Map<string, { key: string; value: string }>;
  lastHeartbeat: number | undefined;
  lastDisconnect: number | undefined;
  lastActivity: number;
  disconnected: boolean;
  pending: number;
}

/** Thrown by the model where the kit must throw its input error; names the same argument. */
export class ModelInputError extends Error {
  constructor(readonly argument: string) {
    super(argument);
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

export class ReferenceModel {
  private readonly peers = new Map<string, ModelPeer>();

  constructor(
    private readonly limits: ModelLimits,
    private readonly now: () => number,
  ) {}

  assignment(peerId: unknown, handle: unknown, resourceType?: unknown, resourceId?: unknown): void {
    this.checkPeerId(peerId);
    const lease = this.checkHandle(handle);
    const peer = this.touch(peerId);
    if (!peer) return;
    peer.leases.set(lease.leaseId, lease);
    if (peer.pending > 0) peer.pending--;
    this.putWellKnown(peer, 'resource.type', resourceType);
    this.putWellKnown(peer, 'resource.id', resourceId);
    peer.disconnected = false;
    peer.lastHeartbeat = this.now();
  }

  release(peerId: unknown, handle: unknown, requeued: unknown): void {
    this.checkPeerId(peerId);
    const lease = this.checkHandle(handle);
    if (typeof requeued !== 'boolean') throw new ModelInputError('requeued');
    const peer = this.touch(peerId);
    if (!peer) return;
    peer.leases.delete(lease.leaseId);
    if (requeued) peer.pending++;
    peer.lastHeartbeat = this.now();
  }

  heartbeat(peerId: unknown, handle?: unknown, pendingCount?: unknown): void {
    this.checkPeerId(peerId);
    if (pendingCount !== undefined && !isNonNegativeInteger(pendingCount)) throw new ModelInputError('pendingCount');
    const lease = handle === undefined || handle === null ? undefined : this.checkHandle(handle);
    const peer = this.touch(peerId);
    if (!peer) return;
    if (lease && !peer.leases.has(lease.leaseId)) peer.leases.set(lease.leaseId, lease);
    if (pendingCount !== undefined) this.put(peer, 'pending.count', String(pendingCount));
    peer.disconnected = false;
    peer.lastHeartbeat = this.now();
  }

  disconnect(peerId: unknown, reason?: unknown): void {
    this.checkPeerId(peerId);
    const peer = this.touch(peerId);
    if (!peer) return;
    peer.lastDisconnect = this.now();
    peer.disconnected = true;
    this.putWellKnown(peer, 'disconnect.reason', reason);
  }

  /** The design's expiry: exactly a requeued (by default) release followed by a disconnect with reason `lease-expired`. */
  expire(peerId: unknown, handle: unknown, requeued: unknown = true): void {
    this.checkPeerId(peerId);
    this.checkHandle(handle);
    if (typeof requeued !== 'boolean') throw new ModelInputError('requeued');
    this.release(peerId, handle, requeued);
    this.disconnect(peerId, 'lease-expired');
  }

  /** Whether the peer is tracked now. */
  tracks(peerId: string): boolean {
    this.forgetIdle();
    return this.peers.has(peerId);
  }

  /**
   * The first instant at which the peer is unhealthy by the grace rule alone (equal is still
   * healthy, so one millisecond after its last healthy instant); undefined when it never expires.
   */
  expiryInstant(peerId: string): number | undefined {
    const lastHeartbeat = this.peers.get(peerId)?.lastHeartbeat;
    return lastHeartbeat === undefined ? undefined : lastHeartbeat + this.limits.graceMs + 1;
  }

  gossip(peerId: unknown, metadata: unknown): void {
    this.checkPeerId(peerId);
    if (typeof metadata !== 'object' || metadata === null) return;
    const peer = this.touch(peerId);
    if (!peer) return;
    const entries: Array<[unknown, unknown]> =
      metadata instanceof Map ? [...(metadata as Map<unknown, unknown>)] : Object.keys(metadata).map((k) => [k, (metadata as Record<string, unknown>)[k]]);
    for (const [key, value] of entries) this.put(peer, key, value);
  }

  eligible(peerId: string): boolean {
    this.forgetIdle();
    const peer = this.peers.get(peerId);
    return peer === undefined || this.healthy(peer);
  }

  /** The wire body, built from scratch. */
  body(): string {
    this.forgetIdle();
    const ids = [...this.peers.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    let eligible = 0;
    let unhealthy = 0;
    let pending = 0;
    const entries = ids.map((peerId) => {
      const peer = this.peers.get(peerId) as ModelPeer;
      const healthy = this.healthy(peer);
      if (healthy) eligible++;
      else unhealthy++;
      pending += peer.pending;
      const leases = [...peer.leases.values()].sort(
        (a, b) => a.sequenceId - b.sequenceId || a.attempt - b.attempt || (a.leaseId < b.leaseId ? -1 : a.leaseId > b.leaseId ? 1 : 0),
      );
      const metadata = [...peer.metadata.values()].sort((a, b) => {
        const x = a.key.toUpperCase();
        const y = b.key.toUpperCase();
        if (x !== y) return x < y ? -1 : 1;
        return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
      });
      // Written by hand: a JavaScript object would put integer-like keys ("9", "10") first.
      const metadataJson = `{${metadata.map((m) => `${JSON.stringify(m.key)}:${JSON.stringify(m.value)}`).join(',')}}`;
      return (
        `{"peerId":${JSON.stringify(peerId)},"lastHeartbeat":${JSON.stringify(wireDate(peer.lastHeartbeat))},` +
        (peer.lastDisconnect === undefined ? '' : `"lastDisconnect":${JSON.stringify(wireDate(peer.lastDisconnect))},`) +
        `"isHealthy":${healthy},"activeAssignments":${leases.length},"pendingReassignments":${peer.pending},` +
        `"activeLeases":${JSON.stringify(leases.map((l) => ({ sequenceId: l.sequenceId, attempt: l.attempt, leaseId: l.leaseId })))},` +
        `"metadata":${metadataJson}}`
      );
    });
    return `{"peers":[${entries.join(',')}],"summary":{"eligiblePeers":${eligible},"unhealthyPeers":${unhealthy},"pendingReassignments":${pending}}}`;
  }

  private healthy(peer: ModelPeer): boolean {
    if (peer.disconnected) return false;
    return peer.lastHeartbeat === undefined || this.now() - peer.lastHeartbeat <= this.limits.graceMs;
  }

  private forgetIdle(): void {
    for (const [peerId, peer] of this.peers) {
      if (peer.lastActivity + this.limits.retentionMs < this.now()) this.peers.delete(peerId);
    }
  }

  private touch(peerId: string): ModelPeer | undefined {
    this.forgetIdle();
    let peer = this.peers.get(peerId);
    if (!peer) {
      if (this.peers.size >= this.limits.maxPeers) return undefined;
      peer = {
        leases: new Map(),
        metadata: new Map(),
        lastHeartbeat: undefined,
        lastDisconnect: undefined,
        lastActivity: 0,
        disconnected: false,
        pending: 0,
      };
      this.peers.set(peerId, peer);
    }
    peer.lastActivity = this.now();
    return peer;
  }

  private checkPeerId(peerId: unknown): asserts peerId is string {
    if (typeof peerId !== 'string' || peerId.trim() === '' || peerId.length > this.limits.maxPeerIdLength) {
      throw new ModelInputError('peerId');
    }
  }

  private checkHandle(handle: unknown): ModelLease {
    if (typeof handle !== 'object' || handle === null) throw new ModelInputError('handle');
    const { sequenceId, attempt, leaseId } = handle as Record<string, unknown>;
    if (!isNonNegativeInteger(sequenceId)) throw new ModelInputError('handle.sequenceId');
    if (!isNonNegativeInteger(attempt)) throw new ModelInputError('handle.attempt');
    if (typeof leaseId !== 'string' || !UUID.test(leaseId)) throw new ModelInputError('handle.leaseId');
    return { sequenceId, attempt, leaseId: leaseId.toLowerCase() };
  }

  /** Well-known keys the kit writes itself: only non-blank strings. */
  private putWellKnown(peer: ModelPeer, key: string, value: unknown): void {
    if (typeof value === 'string' && value.trim() !== '') this.put(peer, key, value);
  }

  private put(peer: ModelPeer, key: unknown, value: unknown): void {
    if (typeof key !== 'string' || value === undefined || value === null || key.trim() === '') return;
    if (typeof value !== 'string') return;
    if (key.length > this.limits.maxKeyLength || value.length > this.limits.maxValueLength) return;
    const existing = peer.metadata.get(key.toLowerCase());
    if (existing) existing.value = value;
    else if (peer.metadata.size < this.limits.maxEntriesPerPeer) peer.metadata.set(key.toLowerCase(), { key, value });
  }
}

/** ISO-8601 UTC with +00:00, trailing zeros of the fraction dropped; "never" is year 1. */
function wireDate(ms: number | undefined): string {
  if (ms === undefined) return '0001-01-01T00:00:00+00:00';
  const iso = new Date(ms).toISOString();
  const fraction = iso.slice(20, 23).replace(/0+$/, '');
  return `${iso.slice(0, 19)}${fraction === '' ? '' : `.${fraction}`}+00:00`;
}
