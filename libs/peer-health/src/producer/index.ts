// @omnirelay/peer-health/producer: records into a tracker of another thread through shared memory.
// Loads inside a worker thread without Nest or prom-client: only Node built-ins and the kit's
// dependency-free base (and its input checks) are loaded from here.
export { connectPeerHealthProducer } from './connect-peer-health-producer';
export type { PeerHealthProducer } from './peer-health-producer.interface';
export { PeerHealthProducerRecorder } from './producer-recorder';
export type {
  PeerHealthProducerHandle,
  PeerHealthProducerOptions,
} from '../base/interfaces/peer-health-producer.interface';
export type { PeerLeaseHandle } from '../base/interfaces/peer-lease-handle.interface';
export type { Clock } from '../base/interfaces/clock.interface';
export { PeerHealthInputError } from '../base/errors/peer-health-input.error';
export { PeerHealthConfigurationError } from '../base/errors/peer-health-configuration.error';
export { PEER_HEALTH_ERROR_CODES } from '../base/errors/peer-health-error-codes';
export { PeerHealthProducerBackpressureError } from '../base/errors/peer-health-producer-backpressure.error';
export { PeerHealthProducerClosedError } from '../base/errors/peer-health-producer-closed.error';
