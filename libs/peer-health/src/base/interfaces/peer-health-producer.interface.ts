import type { MessagePort } from 'node:worker_threads';
import type { Clock } from './clock.interface';

/**
 * What a worker thread needs to record into a tracker of another thread: the channel's shared
 * memory and the port that tells the tracker when the worker is gone. Hand it to the worker with
 * its port in the transfer list: `new Worker(file, { workerData: handle, transferList: [handle.port] })`.
 */
export interface PeerHealthProducerHandle {
  /** The control words (positions, flags, the wait count). */
  readonly control: SharedArrayBuffer;
  /** The ring of records. */
  readonly ring: SharedArrayBuffer;
  /** Closes when the producer's thread ends: the tracker then closes the channel. */
  readonly port: MessagePort;
  /** The tracker's `maxPeerIdLength`, so that the producer rejects what the tracker would. */
  readonly maxPeerIdLength: number;
  /** The longest string the tracker may keep (metadata key or value); longer ones travel as a stand-in. */
  readonly maxStringLength: number;
  /** Entries of the channel's string table before both halves empty it and start over. */
  readonly stringTableLimit: number;
}

/** Options of `tracker.openProducerChannel()`. */
export interface PeerHealthProducerChannelOptions {
  /** Size of the channel's ring in bytes, rounded up to a power of two (default 1 MiB, at least 4 KiB). */
  readonly capacityBytes?: number;
  /**
   * Entries of the string table before it starts over (default 2^20); small values exercise the
   * start-over path in tests.
   * @internal
   */
  readonly stringTableEntries?: number;
}

/** How a channel ended: closed by its producer, closed on the tracker's side, or dropped with its thread. */
export type PeerHealthProducerChannelState = 'open' | 'closed' | 'dropped';

/** One producer's way into a tracker, opened on the tracker's thread. */
export interface PeerHealthProducerChannel {
  /** Structured-cloneable (shared memory and a port to transfer): pass it to a Worker. */
  readonly handle: PeerHealthProducerHandle;
  /** 'dropped' when the producer's thread ended without `producer.close()`. */
  readonly state: PeerHealthProducerChannelState;
  /** Events of this channel applied to the tracker so far. */
  readonly eventsApplied: number;
  /** Times the producer found the ring full and waited. */
  readonly waits: number;
  /** Stops applying this channel; the producer's next call throws PeerHealthProducerClosedError. */
  close(): void;
}

/** Options of `connectPeerHealthProducer()`, on the producer's thread. */
export interface PeerHealthProducerOptions {
  /**
   * What stamps each event (default: `Date.now()`). Give the producers a clock that agrees with the
   * tracker's: with a ManualClock on the tracker's thread, stamp with the same simulated time.
   */
  readonly clock?: Clock;
  /** How long a call may wait for room in a full ring before it throws (ms, default 1000). */
  readonly maxWaitMs?: number;
}
