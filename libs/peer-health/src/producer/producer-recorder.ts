import type { PeerLeaseHandle } from '../base/interfaces/peer-lease-handle.interface';
import type { PeerHealthProducerRecords } from './peer-health-producer-records.interface';

/**
 * A producer's recorder bound to one peer: the methods of the tracker's PeerRecorder, with the
 * same semantics, recorded through the producer's channel. Get one with `producer.peer(peerId)`.
 */
export class PeerHealthProducerRecorder {
  /** @internal */
  constructor(
    private readonly producer: PeerHealthProducerRecords,
    /** The peer this recorder records for. */
    readonly peerId: string,
  ) {}

  /** As `recordLeaseHeartbeat(peerId, handle, pendingCount)`. */
  heartbeat(handle?: PeerLeaseHandle | null, pendingCount?: number): void {
    this.producer.recordLeaseHeartbeat(this.peerId, handle, pendingCount);
  }

  /** As `recordLeaseAssignment(peerId, handle, resourceType, resourceId)`. */
  assign(handle: PeerLeaseHandle, resourceType?: string, resourceId?: string): void {
    this.producer.recordLeaseAssignment(this.peerId, handle, resourceType, resourceId);
  }

  /** As `recordLeaseReleased(peerId, handle, requeued)`. */
  release(handle: PeerLeaseHandle, requeued: boolean): void {
    this.producer.recordLeaseReleased(this.peerId, handle, requeued);
  }

  /** As `recordDisconnect(peerId, reason)`. */
  disconnect(reason?: string): void {
    this.producer.recordDisconnect(this.peerId, reason);
  }

  /** As `recordGossip(peerId, metadata)`. */
  gossip(metadata: Readonly<Record<string, string>> | ReadonlyMap<string, string>): void {
    this.producer.recordGossip(this.peerId, metadata);
  }
}
