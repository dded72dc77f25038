import type { PeerLeaseHandle } from '../../base/interfaces/peer-lease-handle.interface';
import type { PeerHealthAnomalyKind } from '../../base/peer-health-anomaly';
import type { PeerState } from '../peer-state';

/**
 * Where a peer's events are applied: the tracker's recording path, as PeerRecorder and the producer
 * channels see it. Each method validates everything before it changes anything (a bad value throws
 * PeerHealthInputError, the peer id excepted: callers check it once). `known` is the caller's state
 * of the peer as of its last event (undefined when it has none); each returns the state to keep,
 * undefined when the peer could not be tracked (the peer limit).
 * @internal
 */
export interface PeerEventSink {
  /** The time of the event a producer channel is applying (its producer's clock); undefined otherwise. */
  producerStamp: number | undefined;
  /**
   * Starts a turn of a producer channel: the deadlines due now are applied once here, not per
   * record (records carry their own time in producerStamp, set for the whole turn).
   */
  beginProducerTurn(): void;
  applyAssign(peerId: string, known: PeerState | undefined, handle: PeerLeaseHandle, resourceType?: string, resourceId?: string): PeerState | undefined;
  applyRelease(peerId: string, known: PeerState | undefined, handle: PeerLeaseHandle, requeued: boolean): PeerState | undefined;
  applyExpire(peerId: string, known: PeerState | undefined, handle: PeerLeaseHandle, requeued: boolean): PeerState | undefined;
  applyHeartbeat(peerId: string, known: PeerState | undefined, handle: PeerLeaseHandle | null | undefined, pendingCount: number | undefined): PeerState | undefined;
  applyDisconnect(peerId: string, known: PeerState | undefined, reason: string | undefined): PeerState | undefined;
  applyGossip(
    peerId: string,
    known: PeerState | undefined,
    metadata: Readonly<Record<string, string>> | ReadonlyMap<string, string>,
  ): PeerState | undefined;
  /** Counts an anomaly a caller found in what it was given (e.g. a record a producer rejected). */
  reportAnomaly(kind: PeerHealthAnomalyKind): void;
}
