import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { PeerHealthInputError } from '../../base/errors/peer-health-input.error';
import type {
  PeerHealthProducerChannel,
  PeerHealthProducerChannelState,
  PeerHealthProducerHandle,
} from '../../base/interfaces/peer-health-producer.interface';
import type { PeerLeaseHandle } from '../../base/interfaces/peer-lease-handle.interface';
import {
  CONTROL,
  FLAG,
  joinWords,
  LENGTH_SHIFT,
  RECORD,
  TYPE_MASK,
  WAKE,
} from '../../base/producer/producer-ring.layout';
import { waitAsync } from '../../base/producer/atomics-wait-async';
import { assertPeerId } from '../input-validation';
import type { PeerEventSink } from '../interfaces/peer-event-sink.interface';
import type { PeerState } from '../peer-state';
import type { ProducerCounters } from './producer-counters';
import { INVALID, ProducerStringEntries } from './producer-string-entries';
import { ringText } from './ring-text';
import { CorruptProducerRecord } from '../../base/errors/corrupt-producer-record.error';

/** Where a channel asks to be applied again. */
export interface ProducerScheduler {
  wake(): void;
  remove(channel: ProducerChannelConsumer): void;
}

/** Entries one call may add past the table's limit (after a start-over) before the channel counts as corrupt. */
const STRING_TABLE_SLACK = 1 << 20;

const stampFloat = new Float64Array(1);
const stampWords = new Int32Array(stampFloat.buffer);

/** A string entry not used as a peer id yet (its id is checked when it first is). */
const UNCHECKED = null;

/** Thrown inside apply() for a record no producer of this kit writes; the channel is then dropped. */
/**
 * The tracker's end of one channel: reads complete records up to the published write position,
 * applies them in the producer's order at the producer's times, then publishes its read position
 * (which frees the room and answers flush()). Anything that is not a record of this kit drops the
 * channel: what was applied stays, nothing half-read is applied.
 * @internal
 */
export class ProducerChannelConsumer implements PeerHealthProducerChannel {
  readonly handle: PeerHealthProducerHandle;
  eventsApplied = 0;
  private current: PeerHealthProducerChannelState = 'open';
  private readonly control: Int32Array;
  private readonly ring: Int32Array;
  /** The ring as UTF-16 code units (string records). */
  private readonly units: Uint16Array;
  private readonly mask: number;
  private readonly port: MessagePort;
  private read: number;
  private stamp = Number.NaN;
  private readonly entries: ProducerStringEntries;
  /**
   * Per string entry (kept beside entries.texts): once used as a peer id, the state of that peer as
   * of its last event (as a PeerRecorder keeps it), undefined when it has none.
   */
  private states: (PeerState | undefined | typeof UNCHECKED)[] = [];
  private readonly gossip = new Map<unknown, unknown>();
  private readonly lease = { sequenceId: 0, attempt: 0, leaseId: '' };
  /** The producer's thread ended: apply what it published, then finish. */
  private ending = false;
  private sleeping = false;
  private readonly tableCap: number;
  /** Fill of the ring (words) at or under which a producer waiting for room is woken. */
  private readonly wakeFill: number;

  constructor(
    /** The tracker's recording path: events are applied there, at the producer's time. */
    private readonly sink: PeerEventSink,
    private readonly scheduler: ProducerScheduler,
    private readonly counters: ProducerCounters,
    private readonly maxPeerIdLength: number,
    maxStringLength: number,
    ringBytes: number,
    stringTableLimit: number,
  ) {
    const control = new SharedArrayBuffer(CONTROL.size * 4);
    const ring = new SharedArrayBuffer(ringBytes);
    this.control = new Int32Array(control);
    this.ring = new Int32Array(ring);
    this.units = new Uint16Array(ring);
    this.mask = this.ring.length - 1;
    this.wakeFill = this.ring.length >> 1;
    this.read = 0;
    this.entries = new ProducerStringEntries(maxStringLength);
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    // Closes when the producer closes its end or its thread ends, however it ends.
    port1.on('close', () => {
      this.ending = true;
      this.wakeSelf();
    });
    port1.unref();
    port2.unref();
    this.handle = Object.freeze({ control, ring, port: port2, maxPeerIdLength, maxStringLength, stringTableLimit });
    // One call may add its strings past the limit right after a start-over (a large gossip record).
    this.tableCap = stringTableLimit + STRING_TABLE_SLACK;
    counters.opened(this);
  }

  get state(): PeerHealthProducerChannelState {
    return this.current;
  }

  get waits(): number {
    return Atomics.load(this.control, CONTROL.waits);
  }

  close(): void {
    this.finish('closed');
  }

  /**
   * Applies up to `budget` records; true when more are published already. When none is, the
   * channel sleeps on the write position until the producer publishes (or its thread ends).
   */
  drain(budget: number): boolean {
    if (this.current !== 'open') return false;
    const write = Atomics.load(this.control, CONTROL.write);
    const appliedBefore = this.eventsApplied;
    let position = this.read;
    // The tracker stamps each event with this producer's time: set again by each time record.
    if (!Number.isNaN(this.stamp)) this.sink.producerStamp = this.stamp;
    try {
      this.sink.beginProducerTurn();
      for (let done = 0; position !== write && done < budget; done++) position = this.apply(position, write);
    } catch (error) {
      // What no producer of this kit writes, or a bug: the channel goes, the tracker stays as it was.
      this.finish('dropped');
      if (!(error instanceof CorruptProducerRecord) && !(error instanceof PeerHealthInputError)) throw error;
      return false;
    } finally {
      this.sink.producerStamp = undefined;
      this.counters.eventsApplied += this.eventsApplied - appliedBefore;
      if (position !== this.read) {
        this.read = position;
        Atomics.store(this.control, CONTROL.read, position);
        // Only a producer that waits is woken: flush() on any progress, a full ring once half of it is free.
        const wanted = Atomics.load(this.control, CONTROL.wakeWanted);
        if (wanted !== 0 && ((wanted & WAKE.flush) !== 0 || ((write - position) | 0) <= this.wakeFill)) {
          Atomics.notify(this.control, CONTROL.read);
        }
      }
    }
    if (position !== write) return true;
    if (this.ending || Atomics.load(this.control, CONTROL.producerClosed) !== 0) {
      // Published before the end: the last records may have landed after the load above.
      if (Atomics.load(this.control, CONTROL.write) !== position) return true;
      this.finish(Atomics.load(this.control, CONTROL.producerClosed) !== 0 ? 'closed' : 'dropped');
      return false;
    }
    return this.sleep(position);
  }

  private sleep(position: number): boolean {
    if (this.sleeping) return false;
    Atomics.store(this.control, CONTROL.consumerSleeping, 1);
    const waited = waitAsync(this.control, CONTROL.write, position);
    if (!waited.async) {
      Atomics.store(this.control, CONTROL.consumerSleeping, 0);
      return true;
    }
    this.sleeping = true;
    void waited.value.then(() => {
      this.sleeping = false;
      Atomics.store(this.control, CONTROL.consumerSleeping, 0);
      this.scheduler.wake();
    });
    return false;
  }

  private wakeSelf(): void {
    // Wakes this channel's own Atomics.waitAsync, if it sleeps, so that the scheduler sees the end.
    Atomics.notify(this.control, CONTROL.write);
    this.scheduler.wake();
  }

  private finish(state: 'closed' | 'dropped'): void {
    if (this.current !== 'open') return;
    this.current = state;
    Atomics.store(this.control, CONTROL.consumerClosed, 1);
    Atomics.notify(this.control, CONTROL.read);
    Atomics.notify(this.control, CONTROL.write);
    this.counters.finished(this, state === 'dropped');
    this.scheduler.remove(this);
    this.port.close();
    this.entries.reset();
    this.states = [];
    this.gossip.clear();
  }

  private word(position: number, offset: number): number {
    return this.ring[(position + offset) & this.mask] ?? 0;
  }

  /** Applies the record at `position`; returns the position after it. */
  private apply(position: number, write: number): number {
    const header = this.word(position, 0);
    const type = header & TYPE_MASK;
    const length = header >>> LENGTH_SHIFT;
    if (length < 1 || length > this.ring.length || ((write - position) | 0) < length) throw new CorruptProducerRecord();
    switch (type) {
      case RECORD.time:
        if (length !== 3) throw new CorruptProducerRecord();
        stampWords[0] = this.word(position, 1);
        stampWords[1] = this.word(position, 2);
        this.stamp = stampFloat[0] ?? Number.NaN;
        if (!Number.isFinite(this.stamp)) throw new CorruptProducerRecord();
        this.sink.producerStamp = this.stamp;
        break;
      case RECORD.string:
        this.addString(position, length);
        break;
      case RECORD.resetStrings:
        this.entries.reset();
        this.states = [];
        break;
      case RECORD.heartbeat:
        this.heartbeat(position, header, length);
        break;
      case RECORD.assign: {
        if (length !== 9) throw new CorruptProducerRecord();
        const ref = this.word(position, 1);
        const known = this.knownPeer(ref);
        const lease = this.leaseAt(position, 2);
        const type = this.optional(this.word(position, 7));
        const id = this.optional(this.word(position, 8));
        this.states[ref] = this.sink.applyAssign(this.peerIdOf(ref, known), known, lease, type, id);
        this.eventsApplied++;
        break;
      }
      case RECORD.release: {
        if (length !== 7) throw new CorruptProducerRecord();
        const ref = this.word(position, 1);
        const known = this.knownPeer(ref);
        const lease = this.leaseAt(position, 2);
        this.states[ref] = this.sink.applyRelease(this.peerIdOf(ref, known), known, lease, (header & FLAG.requeued) !== 0);
        this.eventsApplied++;
        break;
      }
      case RECORD.disconnect: {
        if (length !== 3) throw new CorruptProducerRecord();
        const ref = this.word(position, 1);
        const known = this.knownPeer(ref);
        const reason = this.optional(this.word(position, 2));
        this.states[ref] = this.sink.applyDisconnect(this.peerIdOf(ref, known), known, reason);
        this.eventsApplied++;
        break;
      }
      case RECORD.gossipEntries:
        this.addGossipEntries(position, length);
        break;
      case RECORD.gossip:
        this.applyGossip(position, header, length);
        break;
      case RECORD.rejected:
        this.sink.reportAnomaly('invalid-input');
        break;
      default:
        throw new CorruptProducerRecord();
    }
    return (position + length) | 0;
  }

  private heartbeat(position: number, header: number, length: number): void {
    const withHandle = (header & FLAG.handle) !== 0;
    const withPending = (header & FLAG.pending) !== 0;
    if (length !== 2 + (withHandle ? 5 : 0) + (withPending ? 2 : 0)) throw new CorruptProducerRecord();
    const ref = this.word(position, 1);
    const known = this.knownPeer(ref);
    const lease = withHandle ? this.leaseAt(position, 2) : undefined;
    const at = withHandle ? 7 : 2;
    const pending = withPending ? joinWords(this.word(position, at), this.word(position, at + 1)) : undefined;
    const state = this.sink.applyHeartbeat(this.peerIdOf(ref, known), known, lease, pending);
    this.states[ref] = state;
    // The table keeps the very string the peer holds for this lease (equal text): the next
    // heartbeat's comparison is then one pointer, not two strings read from memory.
    if (lease !== undefined && state !== undefined && state.heldLeaseId === lease.leaseId) this.entries.texts[this.word(position, 2)] = state.heldLeaseId;
    this.eventsApplied++;
  }

  private applyGossip(position: number, header: number, length: number): void {
    if (length !== 2) throw new CorruptProducerRecord();
    const ref = this.word(position, 1);
    const known = this.knownPeer(ref);
    // Not an object: the tracker counts it and changes nothing, as it does for the original value.
    const metadata = (header & FLAG.notAnObject) !== 0 ? undefined : this.gossip;
    this.states[ref] = this.sink.applyGossip(this.peerIdOf(ref, known), known, metadata as ReadonlyMap<string, string>);
    this.gossip.clear();
    this.eventsApplied++;
  }

  private addGossipEntries(position: number, length: number): void {
    const count = this.word(position, 1);
    if (count < 0 || length !== 2 + 2 * count) throw new CorruptProducerRecord();
    for (let i = 0; i < count; i++) {
      const index = this.gossip.size;
      const key = this.entries.valueOf(this.word(position, 2 + 2 * i), index);
      const value = this.entries.valueOf(this.word(position, 3 + 2 * i), index);
      if (key === INVALID || value === INVALID || this.gossip.has(key)) throw new CorruptProducerRecord();
      this.gossip.set(key, value);
    }
  }

  private addString(position: number, length: number): void {
    const size = this.word(position, 1);
    if (size < 0 || length !== 2 + ((size + 1) >> 1) || this.entries.texts.length >= this.tableCap) throw new CorruptProducerRecord();
    this.entries.texts.push(ringText(this.ring, this.units, position + 2, size));
    this.states.push(UNCHECKED);
  }

  /** The state of the peer entry `ref` names, as of its last event; the id is checked by the tracker's rule the first time. */
  private knownPeer(ref: number): PeerState | undefined {
    if (Number.isNaN(this.stamp)) throw new CorruptProducerRecord();
    const known = this.states[ref];
    if (known !== UNCHECKED && (known !== undefined || (ref >= 0 && ref < this.states.length))) return known;
    const peerId = this.entries.texts[ref];
    if (peerId === undefined) throw new CorruptProducerRecord();
    assertPeerId(peerId, this.maxPeerIdLength);
    this.states[ref] = undefined;
    return undefined;
  }

  /** The id of the peer entry `ref` names: read from its state when it has one (the state is read next anyway). */
  private peerIdOf(ref: number, known: PeerState | undefined): string {
    return known !== undefined && !known.evicted ? known.peerId : (this.entries.texts[ref] ?? '');
  }

  private leaseAt(position: number, at: number): PeerLeaseHandle {
    const leaseId = this.entries.texts[this.word(position, at)];
    if (leaseId === undefined) throw new CorruptProducerRecord();
    const lease = this.lease;
    lease.leaseId = leaseId;
    lease.sequenceId = joinWords(this.word(position, at + 1), this.word(position, at + 2));
    lease.attempt = joinWords(this.word(position, at + 3), this.word(position, at + 4));
    return lease;
  }

  /** A well-known value (resource type or id, disconnect reason): a string, or a stand-in. */
  private optional(slot: number): string | undefined {
    const value = this.entries.valueOf(slot, 0);
    if (value === INVALID) throw new CorruptProducerRecord();
    return value as string | undefined;
  }
}
