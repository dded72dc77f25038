import { describeValue } from '../../base/errors/describe-value';
import { PeerHealthConfigurationError } from '../../base/errors/peer-health-configuration.error';
import type { PeerHealthProducerChannel, PeerHealthProducerChannelOptions } from '../../base/interfaces/peer-health-producer.interface';
import { DEFAULT_RING_BYTES, MAX_RING_BYTES, MIN_RING_BYTES, STRING_TABLE_LIMIT } from '../../base/producer/producer-ring.layout';
import type { TrackerSettings } from '../tracker-settings';
import type { ProducerCounters } from './producer-counters';
import type { PeerEventSink } from '../interfaces/peer-event-sink.interface';
import { ProducerChannelConsumer } from './producer-channel-consumer';
import { ProducerHub } from './producer-hub';

const hubs = new WeakMap<PeerEventSink, ProducerHub>();

function ringBytes(options: PeerHealthProducerChannelOptions | undefined, longestRecordBytes: number): number {
  const given: unknown = options?.capacityBytes;
  if (given !== undefined && (typeof given !== 'number' || !Number.isSafeInteger(given) || given < 1 || given > MAX_RING_BYTES)) {
    throw new PeerHealthConfigurationError(
      'capacityBytes',
      `Option 'capacityBytes' must be a positive integer of at most ${MAX_RING_BYTES} bytes, got ${describeValue(given)}.`,
    );
  }
  // A power of two, so that a position maps to its word with a mask; room for four of the longest record.
  let bytes = MIN_RING_BYTES;
  const wanted = Math.max(typeof given === 'number' ? given : DEFAULT_RING_BYTES, 4 * longestRecordBytes);
  while (bytes < wanted) bytes *= 2;
  if (bytes > MAX_RING_BYTES) {
    throw new PeerHealthConfigurationError('capacityBytes', `The tracker's string limits need a ring larger than ${MAX_RING_BYTES} bytes.`);
  }
  return bytes;
}

/**
 * Opens a channel into `sink`, a tracker's recording path, for one producer thread (see
 * PeerLeaseHealthTracker.openProducerChannel).
 * @internal
 */
export function openProducerChannel(
  sink: PeerEventSink,
  settings: TrackerSettings,
  counters: ProducerCounters,
  options?: PeerHealthProducerChannelOptions,
): PeerHealthProducerChannel {
  const given: unknown = options;
  if (given !== undefined && (typeof given !== 'object' || given === null)) {
    throw new PeerHealthConfigurationError('options', `openProducerChannel's options must be an object, got ${describeValue(given)}.`);
  }
  const { maxKeyLength, maxValueLength } = settings.metadataLimits;
  const maxStringLength = Math.max(maxKeyLength, maxValueLength, settings.maxPeerIdLength, 36);
  const bytes = ringBytes(options, 4 * (2 + Math.ceil(maxStringLength / 2)));
  const entries: unknown = options?.stringTableEntries;
  if (entries !== undefined && (typeof entries !== 'number' || !Number.isSafeInteger(entries) || entries < 1 || entries > STRING_TABLE_LIMIT)) {
    throw new PeerHealthConfigurationError('stringTableEntries', `Option 'stringTableEntries' must be an integer from 1 to ${STRING_TABLE_LIMIT}, got ${describeValue(entries)}.`);
  }
  let hub = hubs.get(sink);
  if (!hub) {
    hub = new ProducerHub();
    hubs.set(sink, hub);
  }
  const channel = new ProducerChannelConsumer(
    sink,
    hub,
    counters,
    settings.maxPeerIdLength,
    maxStringLength,
    bytes,
    typeof entries === 'number' ? entries : STRING_TABLE_LIMIT,
  );
  hub.add(channel);
  return channel;
}
