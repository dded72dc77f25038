import { PeerHealthConfigurationError } from '../base/errors/peer-health-configuration.error';
import { describeValue } from '../base/errors/describe-value';
import type { Clock } from '../base/interfaces/clock.interface';
import type { PeerHealthProducerHandle, PeerHealthProducerOptions } from '../base/interfaces/peer-health-producer.interface';
import { CONTROL } from '../base/producer/producer-ring.layout';
import { ChannelProducer } from './channel-producer';
import type { PeerHealthProducer } from './peer-health-producer.interface';

const dateClock: Clock = { now: () => Date.now() };
const DEFAULT_MAX_WAIT_MS = 1000;
/** Channels connected on this thread: a ring has one writer. */
const connected = new WeakSet<SharedArrayBuffer>();

function isHandle(value: unknown): value is PeerHealthProducerHandle {
  if (typeof value !== 'object' || value === null) return false;
  const { control, ring, port, maxPeerIdLength, maxStringLength, stringTableLimit } = value as Partial<Record<keyof PeerHealthProducerHandle, unknown>>;
  return (
    control instanceof SharedArrayBuffer &&
    control.byteLength === CONTROL.size * 4 &&
    ring instanceof SharedArrayBuffer &&
    ring.byteLength >= 4 &&
    (ring.byteLength & (ring.byteLength - 1)) === 0 &&
    typeof port === 'object' &&
    port !== null &&
    typeof maxPeerIdLength === 'number' &&
    typeof maxStringLength === 'number' &&
    typeof stringTableLimit === 'number'
  );
}

/**
 * Connects this thread (a worker) to the tracker that opened `handle` with
 * `tracker.openProducerChannel()`. One producer per handle: a channel has a single writer.
 * The port of the handle is unref'd, so the producer never keeps its thread alive; when the thread
 * ends, the tracker closes the channel (counted as dropped unless `close()` was called).
 * @throws PeerHealthConfigurationError for something that is not a channel's handle, a handle connected
 * already, or a bad option.
 */
export function connectPeerHealthProducer(handle: PeerHealthProducerHandle, options: PeerHealthProducerOptions = {}): PeerHealthProducer {
  if (!isHandle(handle)) {
    throw new PeerHealthConfigurationError('handle', `connectPeerHealthProducer needs the handle of tracker.openProducerChannel(), got ${describeValue(handle)}.`);
  }
  const clock = options.clock ?? dateClock;
  if (typeof (clock as Partial<Clock>).now !== 'function') {
    throw new PeerHealthConfigurationError('clock', "Option 'clock' must have a now() method.");
  }
  const maxWaitMs = options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
  if (typeof maxWaitMs !== 'number' || !(maxWaitMs >= 0) || !Number.isFinite(maxWaitMs)) {
    throw new PeerHealthConfigurationError('maxWaitMs', `Option 'maxWaitMs' must be a finite number of ms, got ${describeValue(maxWaitMs)}.`);
  }
  if (connected.has(handle.control)) {
    throw new PeerHealthConfigurationError('handle', 'This channel has a producer already: open one channel per producer.');
  }
  connected.add(handle.control);
  handle.port.unref();
  return new ChannelProducer(handle, clock, maxWaitMs, handle.port);
}
