import type { MessagePort } from 'node:worker_threads';
import { PeerHealthInputError } from '../base/errors/peer-health-input.error';
import { PeerHealthProducerClosedError } from '../base/errors/peer-health-producer-closed.error';
import type { Clock } from '../base/interfaces/clock.interface';
import type { PeerHealthProducerHandle } from '../base/interfaces/peer-health-producer.interface';
import type { PeerLeaseHandle } from '../base/interfaces/peer-lease-handle.interface';
import { waitAsync } from '../base/producer/atomics-wait-async';
import { CONTROL, FLAG, GOSSIP_ENTRIES_PER_RECORD, highWord, lowWord, RECORD, VALUE_TAG, WAKE } from '../base/producer/producer-ring.layout';
import { isUuid } from '../base/uuid';
import { assertPendingCount, assertPeerId, assertRequeued, canonicalLease } from '../tracker/input-validation';
import type { PeerHealthProducer } from './peer-health-producer.interface';
import { PeerHealthProducerRecorder, type ProducerSlotTarget } from './producer-recorder';
import { ProducerRingWriter } from './producer-ring-writer';
import { type ProducerPeerSlot, ProducerStringTable } from './producer-string-table';

/**
 * The producer of one channel. Each call validates everything first (throwing the tracker's own
 * input error), then stamps, sends the strings the table lacks, writes the event's record and
 * publishes: one `Atomics.store`, no message, no lock.
 */
export class ChannelProducer implements PeerHealthProducer, ProducerSlotTarget {
  private readonly writer: ProducerRingWriter;
  private readonly table: ProducerStringTable;
  private closed = false;
  // The lease of the call being written, read once from the caller's handle.
  private sequenceId = 0;
  private attempt = 0;
  private leaseId = '';

  constructor(
    private readonly handle: PeerHealthProducerHandle,
    private readonly clock: Clock,
    maxWaitMs: number,
    private readonly port: MessagePort,
  ) {
    this.writer = new ProducerRingWriter(handle, maxWaitMs);
    this.table = new ProducerStringTable(this.writer, handle.stringTableLimit);
  }

  recordLeaseAssignment(peerId: string, handle: PeerLeaseHandle, resourceType?: string, resourceId?: string): void {
    this.assignFor(peerId, undefined, handle, resourceType, resourceId);
  }

  recordLeaseReleased(peerId: string, handle: PeerLeaseHandle, requeued: boolean): void {
    this.releaseFor(peerId, undefined, handle, requeued);
  }

  recordLeaseHeartbeat(peerId: string, handle?: PeerLeaseHandle | null, pendingCount?: number): void {
    this.heartbeatFor(peerId, undefined, handle, pendingCount);
  }

  recordDisconnect(peerId: string, reason?: string): void {
    this.disconnectFor(peerId, undefined, reason);
  }

  recordGossip(peerId: string, metadata: Readonly<Record<string, string>> | ReadonlyMap<string, string>): void {
    this.gossipFor(peerId, undefined, metadata);
  }

  // The record methods proper. `slot` is a bound recorder's (its peer validated when it was made);
  // undefined for a call by id, which checks the peer id and looks its entries up.

  /** @internal */
  assignFor(peerId: string, slot: ProducerPeerSlot | undefined, handle: PeerLeaseHandle, resourceType?: string, resourceId?: string): void {
    this.open();
    try {
      if (!slot) this.checkPeer(peerId);
      this.readLease(handle, slot);
    } catch (error) {
      throw this.rejected(error);
    }
    this.table.reserve(4);
    this.writer.stamp(this.clock.now());
    const peer = slot ? this.table.slotPeer(slot) : this.table.peer(peerId);
    const lease = slot ? this.table.slotLease(slot, this.leaseId) : this.table.lease(this.leaseId);
    const type = this.anyText(resourceType);
    const id = this.anyText(resourceId);
    this.writer.begin(RECORD.assign, 0, 9);
    this.writer.put(peer);
    this.putLease(lease);
    this.writer.put(type);
    this.writer.put(id);
    this.writer.commit();
  }

  /** @internal */
  releaseFor(peerId: string, slot: ProducerPeerSlot | undefined, handle: PeerLeaseHandle, requeued: boolean): void {
    this.open();
    try {
      if (!slot) this.checkPeer(peerId);
      this.readLease(handle, slot);
      assertRequeued(requeued);
    } catch (error) {
      throw this.rejected(error);
    }
    this.table.reserve(2);
    this.writer.stamp(this.clock.now());
    const peer = slot ? this.table.slotPeer(slot) : this.table.peer(peerId);
    const lease = slot ? this.table.slotLease(slot, this.leaseId) : this.table.lease(this.leaseId);
    this.writer.begin(RECORD.release, requeued ? FLAG.requeued : 0, 7);
    this.writer.put(peer);
    this.putLease(lease);
    this.writer.commit();
  }

  /** @internal */
  heartbeatFor(peerId: string, slot: ProducerPeerSlot | undefined, handle?: PeerLeaseHandle | null, pendingCount?: number): void {
    this.open();
    const withHandle = handle !== undefined && handle !== null;
    try {
      if (!slot) this.checkPeer(peerId);
      assertPendingCount(pendingCount);
      if (withHandle) this.readLease(handle, slot);
    } catch (error) {
      throw this.rejected(error);
    }
    this.table.reserve(2);
    this.writer.stamp(this.clock.now());
    const peer = slot ? this.table.slotPeer(slot) : this.table.peer(peerId);
    const lease = !withHandle ? 0 : slot ? this.table.slotLease(slot, this.leaseId) : this.table.lease(this.leaseId);
    const flags = (withHandle ? FLAG.handle : 0) | (pendingCount !== undefined ? FLAG.pending : 0);
    this.writer.begin(RECORD.heartbeat, flags, 2 + (withHandle ? 5 : 0) + (pendingCount !== undefined ? 2 : 0));
    this.writer.put(peer);
    if (withHandle) this.putLease(lease);
    if (pendingCount !== undefined) {
      this.writer.put(lowWord(pendingCount));
      this.writer.put(highWord(pendingCount));
    }
    this.writer.commit();
  }

  /** @internal */
  disconnectFor(peerId: string, slot: ProducerPeerSlot | undefined, reason?: string): void {
    this.open();
    try {
      if (!slot) this.checkPeer(peerId);
    } catch (error) {
      throw this.rejected(error);
    }
    this.table.reserve(2);
    this.writer.stamp(this.clock.now());
    const peer = slot ? this.table.slotPeer(slot) : this.table.peer(peerId);
    const label = this.anyText(reason);
    this.writer.begin(RECORD.disconnect, 0, 3);
    this.writer.put(peer);
    this.writer.put(label);
    this.writer.commit();
  }

  /** @internal */
  gossipFor(peerId: string, slot: ProducerPeerSlot | undefined, metadata: Readonly<Record<string, string>> | ReadonlyMap<string, string>): void {
    this.open();
    try {
      if (!slot) this.checkPeer(peerId);
    } catch (error) {
      throw this.rejected(error);
    }
    const input: unknown = metadata;
    const entries: unknown[] = [];
    if (typeof input === 'object' && input !== null) {
      if (input instanceof Map) {
        for (const [key, value] of input as ReadonlyMap<unknown, unknown>) entries.push(key, value);
      } else {
        const record = input as Readonly<Record<string, unknown>>;
        for (const key of Object.keys(record)) entries.push(key, record[key]);
      }
    }
    this.table.reserve(1 + entries.length);
    this.writer.stamp(this.clock.now());
    const peer = slot ? this.table.slotPeer(slot) : this.table.peer(peerId);
    for (let start = 0; start < entries.length; start += 2 * GOSSIP_ENTRIES_PER_RECORD) {
      const end = Math.min(entries.length, start + 2 * GOSSIP_ENTRIES_PER_RECORD);
      const refs = new Array<number>(end - start);
      // Strings first: their records must come before the record that names them.
      for (let i = start; i < end; i++) refs[i - start] = this.anyText(entries[i]);
      this.writer.begin(RECORD.gossipEntries, 0, 2 + refs.length);
      this.writer.put(refs.length >> 1);
      for (const ref of refs) this.writer.put(ref);
    }
    this.writer.begin(RECORD.gossip, typeof input === 'object' && input !== null ? 0 : FLAG.notAnObject, 2);
    this.writer.put(peer);
    this.writer.commit();
  }

  peer(peerId: string): PeerHealthProducerRecorder {
    this.open();
    try {
      this.checkPeer(peerId);
    } catch (error) {
      throw this.rejected(error);
    }
    return new PeerHealthProducerRecorder(this, peerId);
  }

  async flush(): Promise<void> {
    this.writer.publish();
    const target = this.writer.publishedPosition;
    const control = this.writer.controlWords;
    // A pending Atomics.waitAsync does not keep a thread alive: this timer does, until the answer.
    const keepAlive = setInterval(() => undefined, 1 << 30);
    Atomics.or(control, CONTROL.wakeWanted, WAKE.flush);
    try {
      while (!this.writer.applied(target)) {
        if (this.writer.consumerClosed) throw new PeerHealthProducerClosedError();
        const read = Atomics.load(control, CONTROL.read);
        const waited = waitAsync(control, CONTROL.read, read, 50);
        if (waited.async) await waited.value;
      }
    } finally {
      Atomics.and(control, CONTROL.wakeWanted, ~WAKE.flush);
      clearInterval(keepAlive);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.writer.close();
    this.port.close();
  }

  /** The handle this producer writes through. */
  get channelHandle(): PeerHealthProducerHandle {
    return this.handle;
  }

  private open(): void {
    if (this.closed || this.writer.consumerClosed) throw new PeerHealthProducerClosedError();
  }

  private checkPeer(peerId: string): void {
    if (!this.table.peers.has(peerId)) assertPeerId(peerId, this.handle.maxPeerIdLength);
  }

  /** Reads and checks the handle's fields once, as the tracker does; throws the tracker's error. */
  private readLease(handle: unknown, slot: ProducerPeerSlot | undefined): void {
    if (typeof handle !== 'object' || handle === null) canonicalLease(handle);
    const { sequenceId, attempt, leaseId } = handle as Partial<Record<keyof PeerLeaseHandle, unknown>>;
    if (
      typeof sequenceId !== 'number' ||
      !Number.isSafeInteger(sequenceId) ||
      sequenceId < 0 ||
      typeof attempt !== 'number' ||
      !Number.isSafeInteger(attempt) ||
      attempt < 0 ||
      typeof leaseId !== 'string' ||
      // The slot's last lease id and the table's were validated when they were added: compared by value.
      (leaseId !== slot?.leaseId && !this.table.leases.has(leaseId) && !isUuid(leaseId))
    ) {
      canonicalLease({ sequenceId, attempt, leaseId });
      // canonicalLease threw for the same fields; this line is never reached for a bad handle.
      throw new PeerHealthInputError('handle', 'handle is not a lease handle');
    }
    this.sequenceId = sequenceId;
    this.attempt = attempt;
    this.leaseId = leaseId;
  }

  private putLease(lease: number): void {
    this.writer.put(lease);
    this.writer.put(lowWord(this.sequenceId));
    this.writer.put(highWord(this.sequenceId));
    this.writer.put(lowWord(this.attempt));
    this.writer.put(highWord(this.attempt));
  }

  /** A value slot: the string's table entry, or the tag of what the value is instead. */
  private anyText(value: unknown): number {
    if (typeof value === 'string') {
      if (value.length <= this.handle.maxStringLength) return this.table.text(value);
      return value.trim().length === 0 ? VALUE_TAG.oversizeBlank : VALUE_TAG.oversize;
    }
    if (value === undefined) return VALUE_TAG.undefined;
    if (value === null) return VALUE_TAG.null;
    return VALUE_TAG.other;
  }

  /** A rejected call is counted by the tracker, as one made on its own thread; the error is the caller's. */
  private rejected(error: unknown): unknown {
    if (error instanceof PeerHealthInputError) {
      try {
        this.writer.begin(RECORD.rejected, 0, 1);
        this.writer.commit();
      } catch {
        // A full or closed ring only loses this count; the input error is what the caller must see.
      }
    }
    return error;
  }
}
