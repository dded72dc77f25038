import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { PeerHealthModule, PeerHealthSnapshotProvider, PeerLeaseHealthTracker, type PeerLeaseHealthSnapshot } from '@omnirelay/peer-health';

/** A peer as a transport-level probe sees it. */
function probed(peerId: string, isHealthy: boolean, metadata: Record<string, string>): PeerLeaseHealthSnapshot {
  return { peerId, lastHeartbeat: null, lastDisconnect: null, isHealthy, activeAssignments: 0, pendingReassignments: 0, activeLeases: [], metadata };
}

// 1. The decorator, on a provider declared in any module of the application.
@Injectable()
@PeerHealthSnapshotProvider()
export class TransportHealthProvider implements PeerHealthSnapshotProvider {
  isPeerEligible(peerId: string): boolean {
    return peerId !== 'worker-2';
  }

  snapshot(): readonly PeerLeaseHealthSnapshot[] {
    return [probed('worker-2', false, { 'transport.state': 'tls-handshake-failing' })];
  }
}

@Module({ providers: [TransportHealthProvider] })
export class TransportModule {}

// 2. forFeature, from a feature module.
@Injectable()
export class SidecarHealthProvider implements PeerHealthSnapshotProvider {
  isPeerEligible(): boolean {
    return true;
  }

  // A provider may answer asynchronously, e.g. after asking a sidecar over the network.
  snapshot(): Promise<readonly PeerLeaseHealthSnapshot[]> {
    return Promise.resolve([probed('worker-1', true, { 'sidecar.version': '1.8.2' })]);
  }
}

// 3. A value or factory provider, in forFeature, under a token of its own (injectable by that token).
export const EDGE_PROBE = Symbol('EDGE_PROBE');

function edgeProbe(region: string): PeerHealthSnapshotProvider {
  return { isPeerEligible: () => true, snapshot: () => [probed('edge-1', true, { 'edge.region': region })] };
}

@Module({
  imports: [
    PeerHealthModule.forFeature({
      providers: [SidecarHealthProvider, { provide: EDGE_PROBE, useFactory: () => edgeProbe('eu-west') }],
    }),
  ],
})
export class SidecarModule {}

@Module({ imports: [PeerHealthModule.forRoot(), TransportModule, SidecarModule] })
export class AppModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create(AppModule, new FastifyAdapter(), { logger: ['error', 'warn'] });
  await app.listen(0, '127.0.0.1');
  const tracker = app.get(PeerLeaseHealthTracker);
  tracker.recordLeaseHeartbeat('worker-1');
  tracker.recordLeaseHeartbeat('worker-2');
  const response = await fetch(`${await app.getUrl()}/omnirelay/control/lease-health`);
  const body = (await response.json()) as { peers: { peerId: string; isHealthy: boolean; metadata: Record<string, string> }[] };
  for (const peer of body.peers) console.log(`${peer.peerId} ${peer.isHealthy ? 'healthy' : 'unhealthy'} ${JSON.stringify(peer.metadata)}`);
  await app.close();
}

void main();
