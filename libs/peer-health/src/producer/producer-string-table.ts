import { RECORD } from '../base/producer/producer-ring.layout';
import type { ProducerRingWriter } from './producer-ring-writer';

/**
 * What a bound recorder remembers of the table: its peer's entry, and the entry of the lease id it
 * named last. Each entry holds for one `generation` of the table (a start-over ends it). The lease
 * id is compared by value on every call, so a caller reusing or mutating its handle is always safe.
 * @internal
 */
export interface ProducerPeerSlot {
  /** Validated when the slot was made. */
  readonly peerId: string;
  peerRef: number;
  peerGeneration: number;
  /** The lease id as the caller gave it (validated), its entry, and the generation of that entry. */
  leaseId: string | undefined;
  leaseRef: number;
  leaseGeneration: number;
}

/**
 * The producer's half of a channel's string table: each string is sent once (a string record) and
 * referenced by its entry number after. Peer ids and lease ids are keyed apart from other strings,
 * because their entries also stand for "validated": a lease id is sent in its canonical lower case.
 * The table is bounded: when full, both halves are emptied (a reset record) and filled again.
 */
export class ProducerStringTable {
  readonly peers = new Map<string, number>();
  readonly leases = new Map<string, number>();
  private readonly texts = new Map<string, number>();
  private next = 0;
  /** Counts start-overs: a slot's entries hold while this is theirs. */
  generation = 0;

  constructor(
    private readonly writer: ProducerRingWriter,
    private readonly limit: number,
  ) {}

  /** Empties both halves first when `entries` more might not fit: the refs of one call stay valid together. */
  reserve(entries: number): void {
    if (this.next + entries <= this.limit) return;
    this.writer.begin(RECORD.resetStrings, 0, 1);
    this.peers.clear();
    this.leases.clear();
    this.texts.clear();
    this.next = 0;
    this.generation++;
  }

  peer(peerId: string): number {
    return this.peers.get(peerId) ?? this.add(this.peers, peerId, peerId);
  }

  /** The slot's peer entry: no lookup while the table has not started over. */
  slotPeer(slot: ProducerPeerSlot): number {
    if (slot.peerGeneration === this.generation) return slot.peerRef;
    slot.peerRef = this.peer(slot.peerId);
    slot.peerGeneration = this.generation;
    return slot.peerRef;
  }

  lease(leaseId: string): number {
    return this.leases.get(leaseId) ?? this.add(this.leases, leaseId, leaseId.toLowerCase());
  }

  /** The entry of `leaseId` (validated), remembered by the slot for its next call. */
  slotLease(slot: ProducerPeerSlot, leaseId: string): number {
    if (slot.leaseGeneration === this.generation && slot.leaseId === leaseId) return slot.leaseRef;
    slot.leaseRef = this.lease(leaseId);
    slot.leaseId = leaseId;
    slot.leaseGeneration = this.generation;
    return slot.leaseRef;
  }

  text(value: string): number {
    return this.texts.get(value) ?? this.add(this.texts, value, value);
  }

  private add(map: Map<string, number>, key: string, sent: string): number {
    this.writer.string(sent);
    const ref = this.next++;
    map.set(key, ref);
    return ref;
  }
}
