import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ManualClock,
  PeerHealthDiagnosticsService,
  PeerLeaseHealthDiagnostics,
  PeerLeaseHealthTracker,
  RemoteLeaseHealthProvider,
  serializeLeaseHealth,
} from '@omnirelay/peer-health';

// The merged fleet view (local tracker + a remote host) is kept while no source changed, keyed by the
// tracker's version and the remote host's ETag (a 304 from it): the same body and ETag, a 304 to a
// reader naming that ETag, and a new body and ETag once either source changes.

const T0 = Date.UTC(2026, 10, 24, 9, 30);

/** The peers of a rendered body (the service renders the merged view as a string). */
const peersOf = (body: unknown): unknown[] => (JSON.parse(typeof body === 'string' ? body : '{}') as { peers?: unknown[] }).peers ?? [];

function remoteBody(peers: number, prefix: string): string {
  const tracker = new PeerLeaseHealthTracker({ clock: new ManualClock(T0), heartbeatGracePeriodMs: 60_000 });
  for (let i = 0; i < peers; i++) tracker.recordLeaseHeartbeat(`${prefix}-${i}`, undefined);
  const body = serializeLeaseHealth(PeerLeaseHealthDiagnostics.fromSnapshots(tracker.snapshot()));
  tracker.dispose();
  return body;
}

describe('the merged fleet view is kept while no source changed', () => {
  let server: Server;
  let body = remoteBody(50, 'remote');
  let version = 1;
  const statuses: number[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      const etag = `"remote.${version}"`;
      if (request.headers['if-none-match'] === etag) {
        statuses.push(304);
        response.writeHead(304, { etag }).end();
        return;
      }
      statuses.push(200);
      response.writeHead(200, { 'content-type': 'application/json', etag }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('answers the kept body and ETag, 304 to a reader naming it, and a new one after a remote or local change', async () => {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const provider = new RemoteLeaseHealthProvider({ targets: [url], timeoutMs: 5000 });
    const tracker = new PeerLeaseHealthTracker({ clock: new ManualClock(T0), heartbeatGracePeriodMs: 60_000 });
    tracker.recordGossip('node-1', { 'mesh.role': 'control-plane' });
    const service = new PeerHealthDiagnosticsService([tracker, provider], tracker, { providerTimeoutMs: 10_000, telemetry: { enabled: false, registry: undefined } });
    try {
      const first = await service.render();
      expect(first.etag).toMatch(/^".+"$/);
      expect(peersOf(first.body)).toHaveLength(51);

      const second = await service.render();
      expect(statuses).toEqual([200, 304]);
      expect(second.etag).toBe(first.etag);
      expect(second.body).toEqual(first.body);

      const conditional = await service.render(undefined, first.etag);
      expect(conditional).toMatchObject({ notModified: true, etag: first.etag, body: undefined });

      // The remote host changed: a new body and ETag; the old ETag no longer gets 304.
      body = remoteBody(60, 'remote');
      version++;
      const remoteChanged = await service.render(undefined, first.etag);
      expect(remoteChanged.notModified).toBe(false);
      expect(remoteChanged.etag).not.toBe(first.etag);
      expect(peersOf(remoteChanged.body)).toHaveLength(61);

      // A local change (a new gossip member) changes it too.
      tracker.recordGossip('node-2', { 'mesh.role': 'control-plane' });
      const localChanged = await service.render(undefined, remoteChanged.etag);
      expect(localChanged.notModified).toBe(false);
      expect(localChanged.etag).not.toBe(remoteChanged.etag);
      expect(peersOf(localChanged.body)).toHaveLength(62);
      expect((await service.render(undefined, localChanged.etag)).notModified).toBe(true);
    } finally {
      tracker.dispose();
    }
  }, 30_000);
});
