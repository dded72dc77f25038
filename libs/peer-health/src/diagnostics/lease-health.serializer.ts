import type { PeerLeaseHealthSnapshot, PeerLeaseHealthSummary } from '../tracker/interfaces/peer-lease-health-snapshot.interface';
import { compareLeases, compareOrdinalIgnoreCase } from '../tracker/ordering';
import { isTrackerSnapshot } from '../tracker/peer-snapshot';
import type { PeerLeaseHealthDiagnostics } from './peer-lease-health-diagnostics';
import { formatWireDate } from './wire-date';

/**
 * Tracker snapshots are deeply frozen, so a peer's serialized form can be reused for as long as its
 * snapshot object lives. The tracker hands out the same snapshot object until the peer changes,
 * which makes repeated fetches re-serialize only the peers that changed. Other providers' objects
 * are not trusted to stay unchanged and are serialized every time.
 */
const fragments = new WeakMap<PeerLeaseHealthSnapshot, string>();

/** The JSON body of GET /omnirelay/control/lease-health, byte for byte as the seed system wrote it. */
export function serializeLeaseHealth(diagnostics: PeerLeaseHealthDiagnostics): string {
  const { peers, summary } = diagnostics;
  let body = '{"peers":[';
  for (let i = 0; i < peers.length; i++) {
    const peer = peers[i];
    if (!peer) continue;
    if (i > 0) body += ',';
    body += serializePeer(peer);
  }
  return body + writeSummaryTail(summary);
}

/** Closes the `peers` array and writes the summary. */
export function writeSummaryTail(summary: PeerLeaseHealthSummary): string {
  return (
    `],"summary":{"eligiblePeers":${summary.eligiblePeers},"unhealthyPeers":${summary.unhealthyPeers},` +
    `"pendingReassignments":${summary.pendingReassignments}}}`
  );
}

/** One entry of the `peers` array, cached for tracker snapshots. */
export function serializePeer(peer: PeerLeaseHealthSnapshot): string {
  const cached = fragments.get(peer);
  if (cached !== undefined) return cached;
  const json = writePeer(peer);
  if (isTrackerSnapshot(peer)) fragments.set(peer, json);
  return json;
}

/** One entry of the `peers` array, written anew. */
export function writePeer(peer: PeerLeaseHealthSnapshot): string {
  let json = `{"peerId":${JSON.stringify(peer.peerId)},"lastHeartbeat":"${formatWireDate(peer.lastHeartbeat)}"`;
  // Custom providers written in JavaScript may leave lastDisconnect out instead of null.
  const lastDisconnect: unknown = peer.lastDisconnect;
  if (typeof lastDisconnect === 'number') {
    json += `,"lastDisconnect":"${formatWireDate(lastDisconnect)}"`;
  }
  json +=
    `,"isHealthy":${peer.isHealthy},"activeAssignments":${peer.activeAssignments}` +
    `,"pendingReassignments":${peer.pendingReassignments},"activeLeases":[`;
  // Tracker snapshots are already in order; a custom provider's may not be.
  const leases = [...peer.activeLeases].sort(compareLeases);
  for (let i = 0; i < leases.length; i++) {
    const lease = leases[i];
    if (!lease) continue;
    if (i > 0) json += ',';
    json +=
      `{"sequenceId":${lease.sequenceId},"attempt":${lease.attempt},` +
      `"leaseId":${JSON.stringify(lease.leaseId.toLowerCase())}}`;
  }
  json += '],"metadata":{';
  const metadata = peer.metadata;
  // Sorted here rather than trusted: integer-like keys would otherwise come first in object order.
  const keys = Object.keys(metadata).sort(compareOrdinalIgnoreCase);
  let first = true;
  for (const key of keys) {
    const value = metadata[key];
    if (typeof value !== 'string') continue;
    json += `${first ? '' : ','}${JSON.stringify(key)}:${JSON.stringify(value)}`;
    first = false;
  }
  json += '}}';
  return json;
}
