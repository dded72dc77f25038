import { RECORD } from '../base/producer/producer-ring.constants';
import type { ProducerRingWriter } from './producer-ring-writer';

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
  }

  peer(peerId: string): number {
    return this.peers.get(peerId) ?? this.add(this.peers, peerId, peerId);
  }

  lease(leaseId: string): number {
    return this.leases.get(leaseId) ?? this.add(this.leases, leaseId, leaseId.toLowerCase());
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
