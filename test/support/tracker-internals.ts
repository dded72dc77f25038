import type { PeerLeaseHealthTracker } from '@omnirelay/peer-health';

/** One peer's event counts, as the kit keeps them for the `rpc_peer` label. */
export interface CounterCellView {
  readonly rpcPeer: string;
  readonly heartbeats: number;
  readonly releases: number;
  readonly requeuedReleases: number;
  readonly assignments: ReadonlyMap<string, ReadonlyMap<string, number>>;
  readonly disconnects: ReadonlyMap<string, number>;
}

interface CountersView {
  readonly gossipUpdates: number;
  allCells(): IterableIterator<CounterCellView>;
}

/**
 * The tracker's plain-number counters. They are internal (stripped from the published types), so
 * the specs of the counting itself reach them through this one documented door.
 */
export function trackerCounters(tracker: PeerLeaseHealthTracker): CountersView {
  return (tracker as unknown as { readonly counters: CountersView }).counters;
}
