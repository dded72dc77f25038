import type { PeerLeaseHealthSnapshot } from '@omnirelay/peer-health';

/** A snapshot as a custom provider would return it: healthy, never heart-beaten, no leases, no metadata, unless overridden. */
export function snapshotOf(peerId: string, over: Partial<PeerLeaseHealthSnapshot> = {}): PeerLeaseHealthSnapshot {
  return {
    peerId,
    lastHeartbeat: null,
    lastDisconnect: null,
    isHealthy: true,
    activeAssignments: 0,
    pendingReassignments: 0,
    activeLeases: [],
    metadata: {},
    ...over,
  };
}
