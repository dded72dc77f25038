import type { PeerLeaseHandle } from '../base/interfaces/peer-lease-handle.interface';
import type {
  PeerLeaseHealthSnapshot,
  PeerLeaseHealthSummary,
} from '../base/interfaces/peer-lease-health-snapshot.interface';
import { compareLeases, compareOrdinal } from '../base/ordering';

export type SnapshotInput = Iterable<PeerLeaseHealthSnapshot | null | undefined> | null | undefined;

/**
 * The merged view served by the diagnostics endpoint: one entry per peer id, sorted by peer id,
 * and the summary counts over those entries.
 */
export class PeerLeaseHealthDiagnostics {
  private constructor(
    readonly peers: readonly PeerLeaseHealthSnapshot[],
    readonly summary: PeerLeaseHealthSummary,
    /** Entries dropped because they were not usable snapshots (null, or malformed). */
    readonly skippedSnapshots: number,
  ) {}

  /**
   * Merges snapshots, from one provider or many (in provider registration order). Entries with the
   * same peer id merge: healthy only if every source says so, latest heartbeat and disconnect,
   * leases united by lease id, pending reassignments summed, metadata united with the earlier
   * source winning a key conflict. `null`, `undefined` and malformed entries are skipped.
   */
  static fromSnapshots(snapshots: SnapshotInput): PeerLeaseHealthDiagnostics {
    const usable: PeerLeaseHealthSnapshot[] = [];
    let skipped = 0;
    if (snapshots) {
      for (const snapshot of snapshots) {
        if (isUsableSnapshot(snapshot)) usable.push(snapshot);
        else skipped++;
      }
    }
    // Stable: entries of one peer stay in provider order, so the earlier provider wins conflicts.
    usable.sort((a, b) => compareOrdinal(a.peerId, b.peerId));
    const peers: PeerLeaseHealthSnapshot[] = [];
    for (let start = 0; start < usable.length; ) {
      let end = start + 1;
      while (end < usable.length && usable[end]?.peerId === usable[start]?.peerId) end++;
      const first = usable[start];
      if (first) peers.push(end - start === 1 ? first : mergeSnapshots(usable.slice(start, end)));
      start = end;
    }
    return PeerLeaseHealthDiagnostics.of(peers, skipped);
  }

  /** The same view restricted to the peers that match; the summary is recounted over them. */
  filter(predicate: (peer: PeerLeaseHealthSnapshot) => boolean): PeerLeaseHealthDiagnostics {
    return PeerLeaseHealthDiagnostics.of(this.peers.filter(predicate), this.skippedSnapshots);
  }

  private static of(peers: PeerLeaseHealthSnapshot[], skipped: number): PeerLeaseHealthDiagnostics {
    let eligiblePeers = 0;
    let pendingReassignments = 0;
    for (const peer of peers) {
      if (peer.isHealthy) eligiblePeers++;
      pendingReassignments += peer.pendingReassignments;
    }
    const summary = Object.freeze({ eligiblePeers, unhealthyPeers: peers.length - eligiblePeers, pendingReassignments });
    return new PeerLeaseHealthDiagnostics(Object.freeze(peers), summary, skipped);
  }
}

function isTime(value: unknown): value is number | null {
  return value === null || (typeof value === 'number' && Number.isFinite(value));
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isLease(value: unknown): value is PeerLeaseHandle {
  if (typeof value !== 'object' || value === null) return false;
  const lease = value as Partial<Record<keyof PeerLeaseHandle, unknown>>;
  return (
    typeof lease.sequenceId === 'number' &&
    Number.isSafeInteger(lease.sequenceId) &&
    isCount(lease.attempt) &&
    typeof lease.leaseId === 'string'
  );
}

/** Snapshots from custom providers are checked, not trusted: a bad entry must not break the endpoint. */
function isUsableSnapshot(value: unknown): value is PeerLeaseHealthSnapshot {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as Partial<Record<keyof PeerLeaseHealthSnapshot, unknown>>;
  return (
    typeof s.peerId === 'string' &&
    s.peerId.length > 0 &&
    typeof s.isHealthy === 'boolean' &&
    isTime(s.lastHeartbeat) &&
    (s.lastDisconnect === undefined || isTime(s.lastDisconnect)) &&
    isCount(s.activeAssignments) &&
    isCount(s.pendingReassignments) &&
    Array.isArray(s.activeLeases) &&
    s.activeLeases.every(isLease) &&
    typeof s.metadata === 'object' &&
    s.metadata !== null
  );
}

function latest(a: number | null, b: number | null | undefined): number | null {
  if (b === null || b === undefined) return a;
  return a === null || b > a ? b : a;
}

function mergeSnapshots(sources: readonly PeerLeaseHealthSnapshot[]): PeerLeaseHealthSnapshot {
  let isHealthy = true;
  let lastHeartbeat: number | null = null;
  let lastDisconnect: number | null = null;
  let pendingReassignments = 0;
  let reportedAssignments = 0;
  const leases = new Map<string, PeerLeaseHandle>();
  const metadataKeys = new Set<string>();
  const metadata = Object.create(null) as Record<string, string>;
  for (const source of sources) {
    isHealthy &&= source.isHealthy;
    lastHeartbeat = latest(lastHeartbeat, source.lastHeartbeat);
    lastDisconnect = latest(lastDisconnect, source.lastDisconnect);
    pendingReassignments += source.pendingReassignments;
    reportedAssignments = Math.max(reportedAssignments, source.activeAssignments);
    for (const lease of source.activeLeases) {
      const id = lease.leaseId.toLowerCase();
      if (!leases.has(id)) leases.set(id, lease);
    }
    for (const key of Object.keys(source.metadata)) {
      const folded = key.toLowerCase();
      const value = source.metadata[key];
      if (metadataKeys.has(folded) || typeof value !== 'string') continue;
      metadataKeys.add(folded);
      metadata[key] = value;
    }
  }
  const activeLeases = Object.freeze([...leases.values()].sort(compareLeases));
  return Object.freeze({
    peerId: sources[0]?.peerId ?? '',
    lastHeartbeat,
    lastDisconnect,
    isHealthy,
    activeAssignments: Math.max(activeLeases.length, reportedAssignments),
    pendingReassignments,
    activeLeases,
    metadata: Object.freeze(metadata),
  });
}
