import { compareOrdinal } from '../base/ordering';
import type { PeerEventCounters } from './peer-event-counters';
import { PeerState } from './peer-state';

/**
 * The tracked peers by id, with the counts kept as they change (no walk over the peers to answer
 * them) and the version that grows with every change of tracked state.
 * @internal
 */
export class PeerTable {
  healthyPeers = 0;
  unhealthyPeers = 0;
  pendingTotal = 0;
  /** Grows with every change of tracked state; equal versions mean equal snapshots. */
  version = 0;
  private readonly peers = new Map<string, PeerState>();
  /** The peers sorted by id, kept until a peer is added or removed. */
  private ordered: PeerState[] | undefined;

  constructor(private readonly counters: PeerEventCounters) {}

  get size(): number {
    return this.peers.size;
  }

  get(peerId: string): PeerState | undefined {
    return this.peers.get(peerId);
  }

  values(): IterableIterator<PeerState> {
    return this.peers.values();
  }

  /** Tracks a new peer, healthy until an event or a deadline says otherwise. */
  add(peerId: string): PeerState {
    const peer = new PeerState(peerId, this.counters.cellFor(peerId));
    this.peers.set(peerId, peer);
    this.ordered = undefined;
    this.healthyPeers++;
    this.version++;
    return peer;
  }

  /** Forgets `peer`: its state is marked evicted, so that a recorder holding it looks the peer up again. */
  remove(peer: PeerState): void {
    peer.evicted = true;
    this.peers.delete(peer.peerId);
    this.ordered = undefined;
    if (peer.healthy) this.healthyPeers--;
    else this.unhealthyPeers--;
    this.pendingTotal -= peer.pendingReassignments;
    this.version++;
  }

  /** The peers in wire order (by peer id). */
  inOrder(): readonly PeerState[] {
    this.ordered ??= [...this.peers.values()].sort((a, b) => compareOrdinal(a.peerId, b.peerId));
    return this.ordered;
  }

  /** `peer` changed: drops what was derived from its old state. */
  changed(peer: PeerState): void {
    peer.changed();
    this.version++;
  }
}
