import type { PeerLeaseHandle } from '../base/interfaces/peer-lease-handle.interface';
import type { PeerLeaseHealthSnapshot } from '../base/interfaces/peer-lease-health-snapshot.interface';
import { forEachMetadata } from './peer-collections';
import { NEVER, type PeerState } from './peer-state';

const EMPTY_LEASES: readonly PeerLeaseHandle[] = Object.freeze([]);
const EMPTY_METADATA: Readonly<Record<string, string>> = Object.freeze(Object.create(null) as Record<string, string>);

/** Snapshots built here: deeply frozen, so their serialized form may be cached. */
const trackerSnapshots = new WeakSet<PeerLeaseHealthSnapshot>();

export function isTrackerSnapshot(snapshot: PeerLeaseHealthSnapshot): boolean {
  return trackerSnapshots.has(snapshot);
}

/** Builds the immutable snapshot of a peer; leases and metadata keys come out in wire order. */
export function buildPeerSnapshot(peer: PeerState): PeerLeaseHealthSnapshot {
  const snapshot = Object.freeze({
    peerId: peer.peerId,
    lastHeartbeat: peer.lastHeartbeat === NEVER ? null : peer.lastHeartbeat,
    lastDisconnect: peer.lastDisconnect ?? null,
    isHealthy: peer.healthy,
    activeAssignments: peer.leases?.length ?? 0,
    pendingReassignments: peer.pendingReassignments,
    activeLeases: peer.leases?.length ? Object.freeze([...peer.leases]) : EMPTY_LEASES,
    metadata: peer.metadata?.length ? metadataRecord(peer) : EMPTY_METADATA,
  });
  trackerSnapshots.add(snapshot);
  return snapshot;
}

function metadataRecord(peer: PeerState): Readonly<Record<string, string>> {
  // No prototype: a key such as "__proto__" becomes an own property like any other.
  const record = Object.create(null) as Record<string, string>;
  forEachMetadata(peer, (key, value) => {
    record[key] = value;
  });
  return Object.freeze(record);
}
