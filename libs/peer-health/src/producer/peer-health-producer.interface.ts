import type { PeerHealthProducerRecords } from './peer-health-producer-records.interface';
import type { PeerHealthProducerRecorder } from './producer-recorder';

/**
 * A tracker's record methods on another thread: the same arguments, the same validation (the same
 * PeerHealthInputError, thrown here before anything is written) and the same semantics, applied by
 * the tracker in this producer's order, each event at the time this producer recorded it.
 */
export interface PeerHealthProducer extends PeerHealthProducerRecords {
  /** A recorder bound to one peer. @throws PeerHealthInputError for a bad peer id. */
  peer(peerId: string): PeerHealthProducerRecorder;
  /** Resolves when the tracker applied everything recorded so far; rejects if the channel closes first. */
  flush(): Promise<void>;
  /** Publishes what is recorded and closes the channel (the tracker applies the rest); later calls throw. */
  close(): void;
}
