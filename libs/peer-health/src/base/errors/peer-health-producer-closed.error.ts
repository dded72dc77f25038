import { PEER_HEALTH_ERROR_CODES } from './peer-health-error-codes';

/** Thrown by a producer's calls once its channel is closed, by `producer.close()` or on the tracker's side. */
export class PeerHealthProducerClosedError extends Error {
  override readonly name = 'PeerHealthProducerClosedError';
  /** Always `PEER_HEALTH_ERR_PRODUCER_CLOSED`. */
  readonly code = PEER_HEALTH_ERROR_CODES.producerClosed;

  constructor() {
    super('The producer channel is closed: the event was not recorded.');
  }
}
