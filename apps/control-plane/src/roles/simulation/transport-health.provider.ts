import { Injectable } from '@nestjs/common';
import { PeerHealthSnapshotProvider, type PeerLeaseHealthSnapshot } from '@omnirelay/peer-health';

/**
 * A second snapshot provider, as a transport layer would register one: it reports connection-level
 * metadata that the diagnostics endpoint merges into the tracker's entries for the same peers.
 */
@Injectable()
@PeerHealthSnapshotProvider()
export class TransportHealthProvider implements PeerHealthSnapshotProvider {
  private readonly connections = new Map<string, { protocol: string; since: number }>();
  /** Changes with every change of the snapshot, so the endpoint can answer with ETags. */
  version = 0;

  connected(peerId: string, protocol: string, at: number): void {
    if (this.connections.has(peerId)) return;
    this.connections.set(peerId, { protocol, since: at });
    this.version++;
  }

  dropped(peerId: string): void {
    if (this.connections.delete(peerId)) this.version++;
  }

  isPeerEligible(): boolean {
    return true;
  }

  snapshot(): readonly PeerLeaseHealthSnapshot[] {
    return [...this.connections].map(([peerId, connection]) => ({
      peerId,
      lastHeartbeat: null,
      lastDisconnect: null,
      isHealthy: true,
      activeAssignments: 0,
      pendingReassignments: 0,
      activeLeases: [],
      metadata: { 'transport.protocol': connection.protocol, 'transport.since': new Date(connection.since).toISOString() },
    }));
  }
}
