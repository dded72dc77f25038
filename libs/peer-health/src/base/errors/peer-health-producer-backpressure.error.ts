import { PEER_HEALTH_ERROR_CODES } from './peer-health-error-codes';

/**
 * Thrown by a producer's record call when its channel's ring stayed full for the whole wait bound:
 * the tracker's thread is not applying events as fast as they are recorded. Nothing of the call was
 * written; the events recorded before it are all kept.
 */
export class PeerHealthProducerBackpressureError extends Error {
  override readonly name = 'PeerHealthProducerBackpressureError';
  /** Always `PEER_HEALTH_ERR_PRODUCER_FULL`. */
  readonly code = PEER_HEALTH_ERROR_CODES.producerFull;

  constructor(
    /** How long the call waited for room, in ms. */
    readonly waitedMs: number,
  ) {
    super(`The producer channel stayed full for ${waitedMs} ms: the tracker's thread is behind; the event was not recorded.`);
  }
}
