import type { PeerLeaseHandle } from '../base/interfaces/peer-lease-handle.interface';
import type { ProducerPeerSlot } from './producer-string-table';

/**
 * The producer's record methods with a peer already validated: the slot keeps the peer's entries
 * in the channel's string table, so a bound recorder's call looks nothing up.
 * @internal
 */
export interface ProducerSlotTarget {
  assignFor(peerId: string, slot: ProducerPeerSlot | undefined, handle: PeerLeaseHandle, resourceType?: string, resourceId?: string): void;
  releaseFor(peerId: string, slot: ProducerPeerSlot | undefined, handle: PeerLeaseHandle, requeued: boolean): void;
  heartbeatFor(peerId: string, slot: ProducerPeerSlot | undefined, handle?: PeerLeaseHandle | null, pendingCount?: number): void;
  disconnectFor(peerId: string, slot: ProducerPeerSlot | undefined, reason?: string): void;
  gossipFor(peerId: string, slot: ProducerPeerSlot | undefined, metadata: Readonly<Record<string, string>> | ReadonlyMap<string, string>): void;
}

/**
 * A producer's recorder bound to one peer: the methods of the tracker's PeerRecorder, with the
 * same semantics, recorded through the producer's channel. Get one with `producer.peer(peerId)`.
 */
export class PeerHealthProducerRecorder {
  // The recorder is its own slot: one object per peer for the caller to reach, nothing more.
  /** @internal */
  peerRef = -1;
  /** @internal */
  peerGeneration = -1;
  /** @internal */
  leaseId: string | undefined = undefined;
  /** @internal */
  leaseRef = -1;
  /** @internal */
  leaseGeneration = -1;

  /** @internal */
  constructor(
    private readonly producer: ProducerSlotTarget,
    /** The peer this recorder records for. */
    readonly peerId: string,
  ) {}

  /** As `recordLeaseHeartbeat(peerId, handle, pendingCount)`. */
  heartbeat(handle?: PeerLeaseHandle | null, pendingCount?: number): void {
    this.producer.heartbeatFor(this.peerId, this, handle, pendingCount);
  }

  /** As `recordLeaseAssignment(peerId, handle, resourceType, resourceId)`. */
  assign(handle: PeerLeaseHandle, resourceType?: string, resourceId?: string): void {
    this.producer.assignFor(this.peerId, this, handle, resourceType, resourceId);
  }

  /** As `recordLeaseReleased(peerId, handle, requeued)`. */
  release(handle: PeerLeaseHandle, requeued: boolean): void {
    this.producer.releaseFor(this.peerId, this, handle, requeued);
  }

  /** As `recordDisconnect(peerId, reason)`. */
  disconnect(reason?: string): void {
    this.producer.disconnectFor(this.peerId, this, reason);
  }

  /** As `recordGossip(peerId, metadata)`. */
  gossip(metadata: Readonly<Record<string, string>> | ReadonlyMap<string, string>): void {
    this.producer.gossipFor(this.peerId, this, metadata);
  }
}
