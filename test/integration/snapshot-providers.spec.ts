import { Injectable, Module } from '@nestjs/common';
import {
  PEER_HEALTH_SNAPSHOT_PROVIDERS,
  PeerHealthModule,
  PeerHealthSnapshotProvider,
  PeerLeaseHealthTracker,
  ManualClock,
  type PeerLeaseHealthSnapshot,
} from '@omnirelay/peer-health';
import { startHttpApp, type RunningApp } from '../support/http-app';
import { snapshotOf as entry } from '../support/snapshots';

const T0 = Date.UTC(2026, 10, 24, 9, 30, 0);


/** Transport-level health, registered with the decorator from its own module. */
@Injectable()
@PeerHealthSnapshotProvider()
class TransportHealth implements PeerHealthSnapshotProvider {
  isPeerEligible(peerId: string): boolean {
    return peerId !== 'worker-b';
  }
  snapshot(): readonly PeerLeaseHealthSnapshot[] {
    return [
      entry('worker-a', { metadata: { 'transport.protocol': 'h3', 'resource.type': 'overridden?' } }),
      entry('worker-b', { isHealthy: false, lastDisconnect: T0 + 5000, metadata: { 'transport.state': 'closed' } }),
    ];
  }
}

@Module({ providers: [TransportHealth] })
class TransportModule {}

/** An async provider registered through forFeature. */
@Injectable()
class SidecarHealth implements PeerHealthSnapshotProvider {
  isPeerEligible(): boolean {
    return true;
  }
  async snapshot(): Promise<readonly PeerLeaseHealthSnapshot[]> {
    await new Promise((resolve) => setTimeout(resolve, 5));
    return [entry('sidecar-1', { metadata: { 'sidecar.version': '2' } }), entry('worker-a', { pendingReassignments: 2 })];
  }
}

@Injectable()
class ThrowingProvider implements PeerHealthSnapshotProvider {
  isPeerEligible(): boolean {
    throw new Error('eligibility exploded');
  }
  snapshot(): readonly PeerLeaseHealthSnapshot[] {
    throw new Error('provider exploded');
  }
}

@Injectable()
class HangingProvider implements PeerHealthSnapshotProvider {
  isPeerEligible(): boolean {
    return true;
  }
  snapshot(): Promise<readonly PeerLeaseHealthSnapshot[]> {
    return new Promise(() => undefined);
  }
}

@Injectable()
class NullProvider implements PeerHealthSnapshotProvider {
  isPeerEligible(): boolean {
    return true;
  }
  snapshot(): readonly PeerLeaseHealthSnapshot[] {
    return null as unknown as readonly PeerLeaseHealthSnapshot[];
  }
}

interface Body {
  peers: Array<PeerLeaseHealthSnapshot & { lastDisconnect?: string; lastHeartbeat: string }>;
  summary: { eligiblePeers: number; unhealthyPeers: number; pendingReassignments: number };
}

describe('snapshot providers', () => {
  let running: RunningApp | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  async function boot(imports: unknown[]) {
    const clock = new ManualClock(T0);
    running = await startHttpApp({
      imports: [PeerHealthModule.forRoot({ clock, providerTimeoutMs: 200 }), ...(imports as [])],
    });
    const tracker = running.app.get(PeerLeaseHealthTracker);
    tracker.recordLeaseAssignment('worker-a', { sequenceId: 1, attempt: 1, leaseId: '00000000-0000-4000-8000-000000000001' }, 'catalog', 'sku-1');
    tracker.recordLeaseHeartbeat('worker-b');
    return { running, tracker };
  }

  it('resolves PEER_HEALTH_SNAPSHOT_PROVIDERS to the tracker, then each provider in registration order', async () => {
    const { running: app, tracker } = await boot([TransportModule, PeerHealthModule.forFeature({ providers: [SidecarHealth] })]);
    const providers = app.app.get<readonly PeerHealthSnapshotProvider[]>(PEER_HEALTH_SNAPSHOT_PROVIDERS);
    expect(providers[0]).toBe(tracker);
    expect(providers.slice(1).map((p) => p.constructor.name)).toEqual(['TransportHealth', 'SidecarHealth']);
  });

  it('merges two or more providers into one entry per peer id', async () => {
    const { running: app } = await boot([TransportModule, PeerHealthModule.forFeature({ providers: [SidecarHealth] })]);
    const body = (await (await app.get('/omnirelay/control/lease-health')).json()) as Body;
    expect(body.peers.map((p) => p.peerId)).toEqual(['sidecar-1', 'worker-a', 'worker-b']);
    const workerA = body.peers[1];
    expect(workerA?.metadata).toEqual({
      'resource.id': 'sku-1',
      'resource.type': 'catalog',
      'transport.protocol': 'h3',
    });
    expect(workerA?.pendingReassignments).toBe(2);
    expect(workerA?.activeAssignments).toBe(1);
    const workerB = body.peers[2];
    expect(workerB?.isHealthy).toBe(false);
    expect(workerB?.lastDisconnect).toBe('2026-11-24T09:30:05+00:00');
    expect(workerB?.lastHeartbeat).toBe('2026-11-24T09:30:00+00:00');
    expect(body.summary).toEqual({ eligiblePeers: 2, unhealthyPeers: 1, pendingReassignments: 2 });
  });

  it('isolates a throwing, a hanging and a null provider: the others are served, failures counted', async () => {
    const { running: app, tracker } = await boot([
      TransportModule,
      PeerHealthModule.forFeature({ providers: [ThrowingProvider, HangingProvider, NullProvider] }),
    ]);
    const response = await app.get('/omnirelay/control/lease-health');
    expect(response.status).toBe(200);
    const body = (await response.json()) as Body;
    expect(body.peers.map((p) => p.peerId)).toEqual(['worker-a', 'worker-b']);
    expect(body.peers[0]?.metadata['transport.protocol']).toBe('h3');
    expect(tracker.anomalyCount('provider-failure')).toBe(1);
    expect(tracker.anomalyCount('provider-timeout')).toBe(1);
    // Served again: the hanging provider does not accumulate work or break later answers.
    expect((await app.get('/omnirelay/control/lease-health')).status).toBe(200);
    expect(tracker.anomalyCount('provider-timeout')).toBe(2);
  });

  it('asks every provider for eligibility, ignoring one that throws', async () => {
    const { running: app } = await boot([TransportModule, PeerHealthModule.forFeature({ providers: [ThrowingProvider] })]);
    const { PeerHealthDiagnosticsService } = await import('@omnirelay/peer-health');
    const diagnostics = app.app.get(PeerHealthDiagnosticsService);
    expect(diagnostics.isPeerEligible('worker-a')).toBe(true);
    expect(diagnostics.isPeerEligible('worker-b')).toBe(false);
    expect(diagnostics.isPeerEligible('never-seen')).toBe(true);
  });
});
