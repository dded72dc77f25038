import { performance } from 'node:perf_hooks';
import type { ProducerChannelConsumer, ProducerScheduler } from './producer-channel-consumer';

/** Longest a slice may apply before it yields to the event loop, in ms. */
export const PRODUCER_SLICE_MS = 4;
/** Records a channel applies before the next channel's turn. */
export const PRODUCER_TURN_RECORDS = 256;

/**
 * Applies a tracker's producer channels in bounded slices: each slice takes turns over the
 * channels with published records until none has any or PRODUCER_SLICE_MS passed, then yields
 * (setImmediate), so the event loop stays responsive however fast the producers record. A channel
 * without records sleeps on its write position (Atomics.waitAsync) and wakes the hub when written.
 * @internal
 */
export class ProducerHub implements ProducerScheduler {
  private readonly channels = new Set<ProducerChannelConsumer>();
  private scheduled = false;

  add(channel: ProducerChannelConsumer): void {
    this.channels.add(channel);
    this.wake();
  }

  remove(channel: ProducerChannelConsumer): void {
    this.channels.delete(channel);
  }

  wake(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.slice);
  }

  private readonly slice = (): void => {
    this.scheduled = false;
    const deadline = performance.now() + PRODUCER_SLICE_MS;
    let more: boolean;
    do {
      more = false;
      for (const channel of this.channels) if (channel.drain(PRODUCER_TURN_RECORDS)) more = true;
    } while (more && performance.now() < deadline);
    if (more) this.wake();
  };
}
