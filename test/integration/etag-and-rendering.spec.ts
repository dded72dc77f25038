import { Injectable, Module, type INestApplication } from '@nestjs/common';
import {
  ManualClock,
  PeerHealthModule,
  PeerHealthSnapshotProvider,
  PeerLeaseHealthDiagnostics,
  PeerLeaseHealthTracker,
  serializeLeaseHealth,
  type PeerLeaseHealthSnapshot,
} from '@omnirelay/peer-health';
import { HTTP_PLATFORMS, startPlatformApp, type RunningApp } from '../support/http-app';

const T0 = Date.UTC(2026, 10, 24, 9, 30);
const lease = (n: number) => ({ sequenceId: n, attempt: 1, leaseId: `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}` });

/** A deterministic mix of every kind of state, over `peers` peers. */
function fill(tracker: PeerLeaseHealthTracker, clock: ManualClock, peers: number): void {
  for (let i = 0; i < peers; i++) {
    const id = `peer-${String((i * 7919) % peers).padStart(6, '0')}`;
    tracker.recordGossip(id, { 'mesh.role': 'worker', 'Label.Zone': String(i % 3), [`k${i % 5}`]: 'v"\\' });
    if (i % 4 !== 0) tracker.recordLeaseAssignment(id, lease(i + 1), 'catalog', `item-${i}`);
    if (i % 7 === 0) tracker.recordLeaseReleased(id, lease(i + 1), true);
    if (i % 11 === 0) tracker.recordDisconnect(id, i % 2 ? 'reset' : undefined);
    if (i % 13 === 0) tracker.recordLeaseHeartbeat(id, undefined, i);
    if (i % 100 === 0) clock.advance(7);
  }
}

describe.each(HTTP_PLATFORMS)('ETag, 304 and the tracker renderer on %s', (platform) => {
  let running: RunningApp<INestApplication> | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  async function boot(peers: number) {
    const clock = new ManualClock(T0);
    running = await startPlatformApp(platform, { imports: [PeerHealthModule.forRoot({ clock, heartbeatGracePeriodMs: 60_000 })] });
    const tracker = running.app.get(PeerLeaseHealthTracker);
    fill(tracker, clock, peers);
    clock.advance(30_000);
    return { tracker, clock, app: running };
  }

  // 5000 peers make a body of more than one 1 MiB chunk, sent as a stream.
  it.each([10, 5000])('serves the same bytes as the general transformer (%d peers)', async (peers) => {
    const { tracker, app } = await boot(peers);
    const expected = serializeLeaseHealth(PeerLeaseHealthDiagnostics.fromSnapshots(tracker.snapshot()));
    const response = await app.get('/omnirelay/control/lease-health');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await response.text()).toBe(expected);
    expect(Buffer.byteLength(expected) > 1 << 20).toBe(peers >= 5000);
    const { eligiblePeers, unhealthyPeers, pendingReassignments } = tracker.counts();
    expect((JSON.parse(expected) as { summary: unknown }).summary).toEqual({ eligiblePeers, unhealthyPeers, pendingReassignments });
  });

  it('answers 304 to If-None-Match with the current ETag, and 200 with a new one after a change', async () => {
    const { tracker, app } = await boot(50);
    const first = await app.get('/omnirelay/control/lease-health');
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"[0-9a-f]{8}\.\d+"$/);
    await first.arrayBuffer();
    const again = await fetch(`${app.url}/omnirelay/control/lease-health`, { headers: { 'if-none-match': etag ?? '' } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect(
      (await fetch(`${app.url}/omnirelay/control/lease-health`, { headers: { 'if-none-match': `"other", W/${etag ?? ''}` } })).status,
    ).toBe(304);
    tracker.recordLeaseHeartbeat('peer-000001');
    const changed = await fetch(`${app.url}/omnirelay/control/lease-health`, { headers: { 'if-none-match': etag ?? '' } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
  });

  it('answers conditional GETs under a global prefix, and leaves other routes alone', async () => {
    running = await startPlatformApp(platform, { imports: [PeerHealthModule.forRoot()] }, (app) => app.setGlobalPrefix('api'));
    const app = running;
    const first = await app.get('/api/omnirelay/control/lease-health');
    const etag = first.headers.get('etag') ?? '';
    await first.arrayBuffer();
    const conditional = await fetch(`${app.url}/api/omnirelay/control/lease-health`, { headers: { 'if-none-match': etag } });
    expect(conditional.status).toBe(304);
    expect(conditional.headers.get('etag')).toBe(etag);
    // A query makes it another representation: the hook lets Nest's route answer.
    const filtered = await fetch(`${app.url}/api/omnirelay/control/lease-health?status=healthy`, { headers: { 'if-none-match': etag } });
    expect(filtered.status).toBe(304);
    expect((await fetch(`${app.url}/api/omnirelay/control/lease-health?status=bad`, { headers: { 'if-none-match': etag } })).status).toBe(400);
    expect((await fetch(`${app.url}/api/nothing-here`, { headers: { 'if-none-match': etag } })).status).toBe(404);
  });

  it('serves a filtered body, and answers wrong query parameters with 400 and a JSON error body', async () => {
    const { tracker, app } = await boot(50);
    const expected = serializeLeaseHealth(
      PeerLeaseHealthDiagnostics.fromSnapshots(tracker.snapshot()).filter((peer) => peer.peerId === 'peer-000007'),
    );
    const filtered = await app.get('/omnirelay/control/lease-health?peerId=peer-000007');
    expect(filtered.status).toBe(200);
    expect(filtered.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await filtered.text()).toBe(expected);
    for (const query of ['status=bad', 'peerId=a&peerId=b', 'other=1', `peerId=${'x'.repeat(300)}`]) {
      const response = await app.get(`/omnirelay/control/lease-health?${query}`);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(((await response.json()) as { statusCode: number }).statusCode).toBe(400);
    }
  });

  it('changes the ETag when a deadline passes, without any event', async () => {
    const { clock, app } = await boot(50);
    const before = (await app.get('/omnirelay/control/lease-health')).headers.get('etag');
    clock.advance(60_001);
    const after = await fetch(`${app.url}/omnirelay/control/lease-health`, { headers: { 'if-none-match': before ?? '' } });
    expect(after.status).toBe(200);
  });

  it('serves concurrent fetches of one version from one rendering, each body consistent', async () => {
    const { tracker, app } = await boot(6000);
    // orderedPeers() is internal (not in the typings): the renderer calls it once per rendering.
    const renders = jest.spyOn(tracker as unknown as { orderedPeers(): unknown }, 'orderedPeers');
    const bodies = await Promise.all(Array.from({ length: 20 }, () => app.get('/omnirelay/control/lease-health').then((r) => r.text())));
    expect(new Set(bodies).size).toBe(1);
    expect(renders).toHaveBeenCalledTimes(1);
    renders.mockRestore();
  });

  it('keeps bodies internally consistent while events stream in during sliced rendering', async () => {
    const { tracker, app } = await boot(8000);
    let streaming = true;
    const stream = (async () => {
      for (let n = 0; streaming; n++) {
        for (let k = 0; k < 200; k++) tracker.recordLeaseHeartbeat(`peer-${String((n * 200 + k) % 8000).padStart(6, '0')}`, undefined, k);
        tracker.recordDisconnect(`peer-${String(n % 8000).padStart(6, '0')}`);
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    let bodies: unknown[];
    try {
      bodies = await Promise.all(Array.from({ length: 10 }, () => app.get('/omnirelay/control/lease-health').then((r) => r.json())));
    } finally {
      // Also when a fetch fails: the stream must not outlive the test.
      streaming = false;
      await stream;
    }
    for (const body of bodies as Array<{ peers: PeerLeaseHealthSnapshot[]; summary: Record<string, number> }>) {
      expect(body.peers).toHaveLength(8000);
      expect(body.summary['eligiblePeers']).toBe(body.peers.filter((p) => p.isHealthy).length);
      expect(body.summary['unhealthyPeers']).toBe(body.peers.filter((p) => !p.isHealthy).length);
      expect(body.summary['pendingReassignments']).toBe(body.peers.reduce((n, p) => n + p.pendingReassignments, 0));
    }
  });
});

@Injectable()
@PeerHealthSnapshotProvider()
class VersionedProvider implements PeerHealthSnapshotProvider {
  version = 1;
  isPeerEligible(): boolean {
    return true;
  }
  snapshot(): readonly PeerLeaseHealthSnapshot[] {
    return [];
  }
}

@Injectable()
@PeerHealthSnapshotProvider()
class UnversionedProvider implements PeerHealthSnapshotProvider {
  isPeerEligible(): boolean {
    return true;
  }
  snapshot(): readonly PeerLeaseHealthSnapshot[] {
    return [];
  }
}

@Module({ providers: [VersionedProvider] })
class VersionedModule {}
@Module({ providers: [UnversionedProvider] })
class UnversionedModule {}

describe.each(HTTP_PLATFORMS)('ETags with custom providers on %s', (platform) => {
  it('combines the versions of every provider, and a provider change changes the ETag', async () => {
    const running = await startPlatformApp(platform, { imports: [PeerHealthModule.forRoot(), VersionedModule] });
    try {
      const etag = (await running.get('/omnirelay/control/lease-health')).headers.get('etag');
      expect(etag).toMatch(/^"[0-9a-f]{8}\.\d+\.1"$/);
      expect((await fetch(`${running.url}/omnirelay/control/lease-health`, { headers: { 'if-none-match': etag ?? '' } })).status).toBe(304);
      running.app.get(VersionedProvider).version = 2;
      expect((await fetch(`${running.url}/omnirelay/control/lease-health`, { headers: { 'if-none-match': etag ?? '' } })).status).toBe(200);
    } finally {
      await running.close();
    }
  });

  it('gives no ETag when a provider has no version', async () => {
    const running = await startPlatformApp(platform, { imports: [PeerHealthModule.forRoot(), UnversionedModule] });
    try {
      const response = await running.get('/omnirelay/control/lease-health');
      expect(response.status).toBe(200);
      expect(response.headers.get('etag')).toBeNull();
    } finally {
      await running.close();
    }
  });
});
