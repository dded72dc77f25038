import type { PeerLeaseHealthSummary } from '../../base/interfaces/peer-lease-health-snapshot.interface';
import type { LeaseHealthQuery } from '../lease-health-query';
import type { FilterablePeer } from './filterable-peer';

/** The peers of one answer and what the answer says about the rest. */
export interface LeaseHealthPage<T> {
  readonly peers: readonly T[];
  /** Counts every peer that matches the filters, on every page alike (see docs/wire-format.md). */
  readonly summary: PeerLeaseHealthSummary;
  /** The peer id the next page starts after, or undefined on the last page. */
  readonly nextAfter: string | undefined;
}

/** Index of the first peer whose id sorts after `after` (ordinal order, as the peers are sorted). */
function startAfter<T>(sorted: readonly T[], peerIdOf: (item: T) => string, after: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const item = sorted[middle];
    if (item !== undefined && peerIdOf(item) <= after) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * Applies a query to peers sorted by id: one pass that counts the matching peers for the summary
 * and keeps those of the requested page. `view` re-points a reusable view at an item.
 */
export function pageOf<T>(
  sorted: readonly T[],
  query: LeaseHealthQuery,
  view: (item: T) => FilterablePeer,
  pendingOf: (item: T) => number,
): LeaseHealthPage<T> {
  const { predicate, limit } = query;
  const start = query.after === undefined ? 0 : startAfter(sorted, (item) => view(item).peerId, query.after);
  const peers: T[] = [];
  let more = false;
  let eligiblePeers = 0;
  let unhealthyPeers = 0;
  let pendingReassignments = 0;
  for (let i = 0; i < sorted.length; i++) {
    const item = sorted[i];
    if (item === undefined) continue;
    const peer = view(item);
    if (predicate && !predicate(peer)) continue;
    if (peer.isHealthy) eligiblePeers++;
    else unhealthyPeers++;
    pendingReassignments += pendingOf(item);
    if (i < start) continue;
    if (limit === undefined || peers.length < limit) peers.push(item);
    else more = true;
  }
  const last = peers[peers.length - 1];
  return {
    peers,
    summary: { eligiblePeers, unhealthyPeers, pendingReassignments },
    nextAfter: more && last !== undefined ? view(last).peerId : undefined,
  };
}
