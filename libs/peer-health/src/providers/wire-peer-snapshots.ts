import { DEFAULT_MAX_PEER_ID_LENGTH } from '../base/peer-health.defaults';
import type { PeerLeaseHandle } from '../base/interfaces/peer-lease-handle.interface';
import type { PeerLeaseHealthSnapshot } from '../base/interfaces/peer-lease-health-snapshot.interface';
import { parseWireDate, type LeaseHealthPeer } from '../base/lease-health-document';
import { isUuid } from '../base/uuid';

/** A wire date already checked by the document parser: epoch ms, or null for "never". */
function timeOf(text: string | undefined): number | null {
  if (text === undefined) return null;
  const ms = parseWireDate(text);
  return Number.isNaN(ms) ? null : ms;
}

/** The snapshot of one peer entry already checked by the document parser, with the remote provider's own checks. @internal */
export function snapshotOfPeer(peer: LeaseHealthPeer, path: string): PeerLeaseHealthSnapshot {
  if (peer.peerId.length > DEFAULT_MAX_PEER_ID_LENGTH || peer.peerId.trim() === '') {
    throw new Error(`${path}.peerId is not a peer id of 1 to ${DEFAULT_MAX_PEER_ID_LENGTH} characters`);
  }
  const activeLeases = peer.activeLeases.map((lease, i): PeerLeaseHandle => {
    if (!isUuid(lease.leaseId)) throw new Error(`${path}.activeLeases[${i}].leaseId is not a UUID`);
    return Object.freeze({ sequenceId: lease.sequenceId, attempt: lease.attempt, leaseId: lease.leaseId.toLowerCase() });
  });
  // A prototype-free copy: a remote key such as `__proto__` stays plain data.
  const metadata = Object.create(null) as Record<string, string>;
  for (const [key, value] of Object.entries(peer.metadata)) metadata[key] = value;
  return Object.freeze({
    peerId: peer.peerId,
    lastHeartbeat: timeOf(peer.lastHeartbeat),
    lastDisconnect: timeOf(peer.lastDisconnect),
    isHealthy: peer.isHealthy,
    activeAssignments: Math.max(peer.activeAssignments, activeLeases.length),
    pendingReassignments: peer.pendingReassignments,
    activeLeases: Object.freeze(activeLeases),
    metadata: Object.freeze(metadata),
  });
}
