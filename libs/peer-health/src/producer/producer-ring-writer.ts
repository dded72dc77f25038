import { PeerHealthProducerBackpressureError } from '../base/errors/peer-health-producer-backpressure.error';
import { PeerHealthProducerClosedError } from '../base/errors/peer-health-producer-closed.error';
import type { PeerHealthProducerHandle } from '../base/interfaces/peer-health-producer.interface';
import { CONTROL, LENGTH_SHIFT, RECORD, WAKE } from '../base/producer/producer-ring.layout';

const stampFloat = new Float64Array(1);
const stampWords = new Int32Array(stampFloat.buffer);

/**
 * The producer's end of a channel's ring: writes whole records past the published position and
 * publishes them with one `Atomics.store`, so the tracker never sees a record half written. When
 * the ring is full it publishes what it has, counts a wait and sleeps on the read position
 * (`Atomics.wait`, bounded), then throws.
 */
export class ProducerRingWriter {
  private readonly control: Int32Array;
  private readonly ring: Int32Array;
  private readonly mask: number;
  private readonly capacity: number;
  /** Where the next word goes (not yet published). */
  private position: number;
  private published: number;
  /** The read position as last seen: the room is at least what it leaves. */
  private seenRead: number;
  private lastStamp = Number.NaN;
  /** Unpublished words past which a call publishes at once rather than at the end of the task. */
  private readonly batchWords: number;
  private publishQueued = false;
  private readonly publishTask = (): void => {
    this.publishQueued = false;
    this.publish();
  };

  constructor(
    handle: PeerHealthProducerHandle,
    private readonly maxWaitMs: number,
  ) {
    this.control = new Int32Array(handle.control);
    this.ring = new Int32Array(handle.ring);
    this.capacity = this.ring.length;
    this.mask = this.capacity - 1;
    this.position = Atomics.load(this.control, CONTROL.write);
    this.published = this.position;
    this.seenRead = Atomics.load(this.control, CONTROL.read);
    this.batchWords = Math.min(1024, this.capacity >> 3);
  }

  /** Whether the tracker's side closed the channel. */
  get consumerClosed(): boolean {
    return Atomics.load(this.control, CONTROL.consumerClosed) !== 0;
  }

  /** Words of the ring. */
  get capacityWords(): number {
    return this.capacity;
  }

  /** Starts a record of `words` words (header included): waits for room, then writes the header. */
  begin(type: number, flags: number, words: number): void {
    if (words > this.capacity) throw new RangeError(`A record of ${words} words does not fit a ring of ${this.capacity} words.`);
    if (this.capacity - ((this.position - this.seenRead) | 0) < words) this.makeRoom(words);
    this.put(type | flags | (words << LENGTH_SHIFT));
  }

  put(word: number): void {
    this.ring[this.position & this.mask] = word;
    this.position = (this.position + 1) | 0;
  }

  /** A time record, when `stamp` differs from the last one written. */
  stamp(stamp: number): void {
    if (stamp === this.lastStamp) return;
    this.begin(RECORD.time, 0, 3);
    stampFloat[0] = stamp;
    this.put(stampWords[0] ?? 0);
    this.put(stampWords[1] ?? 0);
    this.lastStamp = stamp;
  }

  /** A string record: the next entry of the table. */
  string(text: string): void {
    const length = text.length;
    this.begin(RECORD.string, 0, 2 + ((length + 1) >> 1));
    this.put(length);
    let i = 0;
    for (; i + 1 < length; i += 2) this.put(text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16));
    if (i < length) this.put(text.charCodeAt(i));
  }

  /**
   * Ends a call: its records are published with the next batch, at the latest when the current task
   * of this thread ends (a microtask), at once when the batch is large. A tight loop of calls thus
   * publishes (and touches the shared position) once per batch, and the tracker reads records that
   * the producer is no longer writing next to.
   */
  commit(): void {
    if (((this.position - this.published) | 0) >= this.batchWords) {
      this.publish();
      return;
    }
    if (this.publishQueued) return;
    this.publishQueued = true;
    queueMicrotask(this.publishTask);
  }

  /** Makes every record written so far visible to the tracker, and wakes it if it sleeps. */
  publish(): void {
    if (this.position === this.published) return;
    this.published = this.position;
    Atomics.store(this.control, CONTROL.write, this.position);
    if (Atomics.load(this.control, CONTROL.consumerSleeping) !== 0) Atomics.notify(this.control, CONTROL.write);
  }

  /** The published position, for flush(). */
  get publishedPosition(): number {
    return this.published;
  }

  /** Whether the tracker applied every record before `position`. */
  applied(position: number): boolean {
    return ((Atomics.load(this.control, CONTROL.read) - position) | 0) >= 0;
  }

  /** The control words, for flush()'s `Atomics.waitAsync`. */
  get controlWords(): Int32Array {
    return this.control;
  }

  /** Marks the channel closed by its producer, after a last publish. */
  close(): void {
    this.publish();
    Atomics.store(this.control, CONTROL.producerClosed, 1);
    Atomics.notify(this.control, CONTROL.write);
  }

  private makeRoom(words: number): void {
    // The tracker may have read on since this producer last looked.
    this.seenRead = Atomics.load(this.control, CONTROL.read);
    if (this.capacity - ((this.position - this.seenRead) | 0) >= words) return;
    this.publish();
    const started = Date.now();
    let counted = false;
    // The tracker notifies once the ring is half empty (or on closing): one wake-up per long run.
    Atomics.or(this.control, CONTROL.wakeWanted, WAKE.room);
    try {
      for (;;) {
        const read = Atomics.load(this.control, CONTROL.read);
        this.seenRead = read;
        if (this.capacity - ((this.position - read) | 0) >= words) return;
        if (this.consumerClosed) throw new PeerHealthProducerClosedError();
        if (!counted) {
          Atomics.add(this.control, CONTROL.waits, 1);
          counted = true;
        }
        const left = this.maxWaitMs - (Date.now() - started);
        if (left <= 0) throw new PeerHealthProducerBackpressureError(this.maxWaitMs);
        Atomics.wait(this.control, CONTROL.read, read, Math.min(left, 50));
      }
    } finally {
      Atomics.and(this.control, CONTROL.wakeWanted, ~WAKE.room);
    }
  }
}
