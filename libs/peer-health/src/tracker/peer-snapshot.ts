import type { PeerLeaseHandle } from './interfaces/peer-lease-handle.interface';
import type { PeerLeaseHealthSnapshot } from './interfaces/peer-lease-health-snapshot.interface';
import { compareLeases, compareOrdinalIgnoreCase } from './ordering';
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
    activeAssignments: peer.leases?.size ?? 0,
    pendingReassignments: peer.pendingReassignments,
    activeLeases: peer.leases?.size ? Object.freeze([...peer.leases.values()].sort(compareLeases)) : EMPTY_LEASES,
    metadata: peer.metadata?.size ? metadataRecord(peer) : EMPTY_METADATA,
  });
  trackerSnapshots.add(snapshot);
  return snapshot;
}

function metadataRecord(peer: PeerState): Readonly<Record<string, string>> {
  const entries = [...(peer.metadata?.values() ?? [])].sort((a, b) => compareOrdinalIgnoreCase(a.key, b.key));
  // No prototype: a key such as "__proto__" becomes an own property like any other.
  const record = Object.create(null) as Record<string, string>;
  for (const entry of entries) record[entry.key] = entry.value;
  return Object.freeze(record);
}
