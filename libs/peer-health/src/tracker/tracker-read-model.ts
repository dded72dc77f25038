// The read model of tracker/: what telemetry/, providers/ and diagnostics/ use of a tracker besides
// the PeerLeaseHealthTracker class and tracker/interfaces. Nothing above the tracker imports another
// tracker file, so that the tracker's files can change behind this one.

/**
 * A tracked peer's live state, as the kit's renderer and query filters walk it (from
 * `tracker.orderedPeers()`): valid within one event-loop turn. The renderer keeps the peer's wire
 * fragment on it (`fragmentChunk`, `fragmentStart`, `fragmentEnd`); nothing else above the tracker
 * writes it.
 */
export type { PeerState } from './peer-state';
/** `lastHeartbeat` of a peer that never heart-beat. */
export { NEVER } from './peer-state';
/** Where a metadata key sits in a peer's flat key/value list, case-insensitively. */
export { findMetadata } from './peer-collections';
/** Whether a snapshot came from a tracker (its entries are then known valid). */
export { isTrackerSnapshot } from './peer-snapshot';
/** The plain-number counters the Prometheus exporter reads at scrape time. */
export type { PeerCounterCell, PeerEventCounters } from './peer-event-counters';
export type { ProducerCounters } from './producers/producer-counters';
