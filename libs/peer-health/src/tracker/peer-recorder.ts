import type { PeerLeaseHandle } from '../base/interfaces/peer-lease-handle.interface';
import type { PeerEventSink } from './interfaces/peer-event-sink.interface';
import type { PeerState } from './peer-state';

/**
 * Records the events of one peer, like `counter.labels(...)` in prom-client hands back a bound
 * child: a producer that holds a connection or session per peer holds its recorder too, and each
 * event skips the id check and the map lookup. Semantics are those of the tracker's by-id methods.
 * Get one with `tracker.peer(peerId)`.
 */
export class PeerRecorder {
  /** The peer's state as of the last event; dropped by the tracker's own check when the peer was evicted. */
  private state: PeerState | undefined;

  /** @internal */
  constructor(
    /** The tracker's recording path. */
    private readonly sink: PeerEventSink,
    /** The peer this recorder records for. */
    readonly peerId: string,
  ) {}

  /** As `recordLeaseHeartbeat(peerId, handle, pendingCount)`. */
  heartbeat(handle?: PeerLeaseHandle | null, pendingCount?: number): void {
    this.state = this.sink.applyHeartbeat(this.peerId, this.state, handle, pendingCount);
  }

  /** As `recordLeaseAssignment(peerId, handle, resourceType, resourceId)`. */
  assign(handle: PeerLeaseHandle, resourceType?: string, resourceId?: string): void {
    this.state = this.sink.applyAssign(this.peerId, this.state, handle, resourceType, resourceId);
  }

  /** As `recordLeaseReleased(peerId, handle, requeued)`. */
  release(handle: PeerLeaseHandle, requeued: boolean): void {
    this.state = this.sink.applyRelease(this.peerId, this.state, handle, requeued);
  }

  /** As `recordLeaseExpired(peerId, handle, requeued)`: the release and the disconnect, with one transition at most. */
  expire(handle: PeerLeaseHandle, requeued = true): void {
    this.state = this.sink.applyExpire(this.peerId, this.state, handle, requeued);
  }

  /** As `recordDisconnect(peerId, reason)`. */
  disconnect(reason?: string): void {
    this.state = this.sink.applyDisconnect(this.peerId, this.state, reason);
  }

  /** As `recordGossip(peerId, metadata)`. */
  gossip(metadata: Readonly<Record<string, string>> | ReadonlyMap<string, string>): void {
    this.state = this.sink.applyGossip(this.peerId, this.state, metadata);
  }
}
