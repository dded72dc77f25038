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

  connected(peerId: string, protocol: string, at: number): void {
    if (!this.connections.has(peerId)) this.connections.set(peerId, { protocol, since: at });
  }

  dropped(peerId: string): void {
    this.connections.delete(peerId);
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
