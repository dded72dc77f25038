import type { PeerLeaseHealthSnapshot, PeerLeaseHealthSummary } from '../base/interfaces/peer-lease-health-snapshot.interface';
import type { PeerLeaseHandle } from '../base/interfaces/peer-lease-handle.interface';
import { compareLeases, sortByKeyIgnoreCase } from '../base/ordering';
import { isTrackerSnapshot } from '../tracker/tracker-read-model';
import type { PeerLeaseHealthDiagnostics } from './peer-lease-health-diagnostics';
import { formatWireDate } from '../base/wire-date';

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
  // Sorted here rather than trusted: a custom provider's order is unknown, and integer-like keys
  // come first in object order.
  const metadata = peer.metadata;
  const entries: MetadataPair[] = [];
  for (const key of Object.keys(metadata)) {
    const value = metadata[key];
    if (typeof value === 'string') entries.push({ key, value });
  }
  // Custom providers written in JavaScript may leave lastDisconnect out instead of null.
  const lastDisconnect: unknown = peer.lastDisconnect;
  return writePeerParts(
    JSON.stringify(peer.peerId),
    peer.lastHeartbeat,
    typeof lastDisconnect === 'number' ? lastDisconnect : null,
    peer.isHealthy,
    peer.activeAssignments,
    peer.pendingReassignments,
    [...peer.activeLeases].sort(compareLeases),
    sortByKeyIgnoreCase(entries).flatMap((entry) => [entry.key, entry.value]),
  );
}

export interface MetadataPair {
  readonly key: string;
  readonly value: string;
}

/** The one writer of a peer entry, from parts already in wire order. */
export function writePeerParts(
  /** The peer id as a JSON string literal. */
  peerIdJson: string,
  lastHeartbeat: number | null,
  lastDisconnect: number | null,
  isHealthy: boolean,
  activeAssignments: number,
  pendingReassignments: number,
  leases: readonly PeerLeaseHandle[],
  /** Flat [key, value, key, value, ...] in wire order. */
  metadata: readonly string[],
): string {
  let json = `{"peerId":${peerIdJson},"lastHeartbeat":"${formatWireDate(lastHeartbeat)}"`;
  if (lastDisconnect !== null) json += `,"lastDisconnect":"${formatWireDate(lastDisconnect)}"`;
  json +=
    `,"isHealthy":${isHealthy},"activeAssignments":${activeAssignments}` +
    `,"pendingReassignments":${pendingReassignments},"activeLeases":[`;
  for (let i = 0; i < leases.length; i++) {
    const lease = leases[i];
    if (!lease) continue;
    json +=
      `${i > 0 ? ',' : ''}{"sequenceId":${lease.sequenceId},"attempt":${lease.attempt},` +
      `"leaseId":${JSON.stringify(lease.leaseId.toLowerCase())}}`;
  }
  json += '],"metadata":{';
  for (let i = 0; i + 1 < metadata.length; i += 2) {
    json += `${i > 0 ? ',' : ''}${JSON.stringify(metadata[i])}:${JSON.stringify(metadata[i + 1])}`;
  }
  return `${json}}}`;
}

