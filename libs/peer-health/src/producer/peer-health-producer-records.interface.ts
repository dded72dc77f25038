import type { PeerLeaseHandle } from '../base/interfaces/peer-lease-handle.interface';

/**
 * The by-id record methods of a producer, which its per-peer recorders record through: the same
 * arguments, validation and semantics as the tracker's methods of the same names.
 */
export interface PeerHealthProducerRecords {
  recordLeaseAssignment(peerId: string, handle: PeerLeaseHandle, resourceType?: string, resourceId?: string): void;
  recordLeaseReleased(peerId: string, handle: PeerLeaseHandle, requeued: boolean): void;
  recordLeaseHeartbeat(peerId: string, handle?: PeerLeaseHandle | null, pendingCount?: number): void;
  recordDisconnect(peerId: string, reason?: string): void;
  recordGossip(peerId: string, metadata: Readonly<Record<string, string>> | ReadonlyMap<string, string>): void;
}
