import { Injectable } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import {
  ManualClock,
  PeerHealthModule,
  PeerLeaseHealthTracker,
  type PeerHealthSnapshotProvider,
  type PeerLeaseHealthSnapshot,
} from '@omnirelay/peer-health';
import { HTTP_PLATFORMS, startPlatformApp, type RunningApp } from '../support/http-app';
import { snapshotOf } from '../support/snapshots';

interface Body {
  peers: Array<{ peerId: string; isHealthy: boolean; metadata: Record<string, string> }>;
  summary: { eligiblePeers: number; unhealthyPeers: number; pendingReassignments: number };
}

const ROUTE = '/omnirelay/control/lease-health';

/** A small fleet: roles and zones in gossip metadata, one worker disconnected, one pending reassignment. */
function seed(tracker: PeerLeaseHealthTracker): void {
  const fleet: Array<[string, string, string]> = [
    ['cp-1', 'control-plane', 'a'],
    ['dispatcher-1', 'dispatcher', 'a'],
    ['worker-1', 'worker', 'a'],
    ['worker-2', 'worker', 'b'],
    ['worker-3', 'worker', 'a'],
    ['worker-4', 'worker', 'b'],
    ['worker-5', 'worker', 'a'],
  ];
  for (const [peerId, role, zone] of fleet) {
    tracker.recordLeaseHeartbeat(peerId);
    tracker.recordGossip(peerId, { 'Mesh.Role': role, [`label.zone`]: zone });
  }
  tracker.recordDisconnect('worker-3', 'crash');
  const lease = { sequenceId: 1, attempt: 1, leaseId: '00000000-0000-4000-8000-000000000001' };
  tracker.recordLeaseAssignment('worker-4', lease);
  tracker.recordLeaseReleased('worker-4', lease, true);
}

/** Every page of `query`, following the Link headers; the responses in order. */
async function allPages(running: RunningApp<INestApplication>, query: string): Promise<Array<{ body: Body; link: string | null }>> {
  const pages: Array<{ body: Body; link: string | null }> = [];
  let path: string | undefined = `${ROUTE}?${query}`;
  while (path !== undefined && pages.length < 20) {
    const response = await running.get(path);
    expect(response.status).toBe(200);
    const link = response.headers.get('link');
    pages.push({ body: (await response.json()) as Body, link });
    path = link === null ? undefined : /^<([^>]+)>; rel="next"$/.exec(link)?.[1];
    if (link !== null) expect(path).toBeDefined();
  }
  return pages;
}

/** Extra peers from a second provider, so the merged (multi-provider) path is exercised too. */
@Injectable()
class GatewayHealth implements PeerHealthSnapshotProvider {
  isPeerEligible(): boolean {
    return true;
  }
  snapshot(): readonly PeerLeaseHealthSnapshot[] {
    return [
      snapshotOf('gateway-1', { metadata: { 'mesh.role': 'gateway', 'label.zone': 'b' } }),
      snapshotOf('worker-1', { metadata: { 'transport.protocol': 'h3' } }),
    ];
  }
}

describe.each(HTTP_PLATFORMS)('lease-health query on %s', (platform) => {
  describe.each([
    ['the tracker alone', false],
    ['the tracker and another provider', true],
  ])('with %s', (_name, withGateway) => {
    let running: RunningApp<INestApplication>;

    beforeAll(async () => {
      running = await startPlatformApp(platform, {
        imports: [
          PeerHealthModule.forRoot({ clock: new ManualClock(Date.UTC(2026, 10, 24)) }),
          ...(withGateway ? [PeerHealthModule.forFeature({ providers: [GatewayHealth] })] : []),
        ],
      });
      seed(running.app.get(PeerLeaseHealthTracker));
    });

    afterAll(async () => {
      await running.close();
    });

    const get = async (query: string): Promise<Body> => {
      const response = await running.get(`${ROUTE}?${query}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
      return (await response.json()) as Body;
    };

    it('role= keeps the peers whose mesh.role metadata equals it (keys compare case-insensitively)', async () => {
      const body = await get('role=worker');
      expect(body.peers.map((p) => p.peerId)).toEqual(['worker-1', 'worker-2', 'worker-3', 'worker-4', 'worker-5']);
      expect(body.summary).toEqual({ eligiblePeers: 4, unhealthyPeers: 1, pendingReassignments: 1 });
      expect((await get('role=nobody')).peers).toEqual([]);
    });

    it('label.<key>= matches the label.<key> metadata; filters combine with AND', async () => {
      const zoneB = (await get('label.zone=b')).peers.map((p) => p.peerId);
      expect(zoneB).toEqual(withGateway ? ['gateway-1', 'worker-2', 'worker-4'] : ['worker-2', 'worker-4']);
      const body = await get('role=worker&label.zone=a&status=healthy');
      expect(body.peers.map((p) => p.peerId)).toEqual(['worker-1', 'worker-5']);
      expect(body.summary).toEqual({ eligiblePeers: 2, unhealthyPeers: 0, pendingReassignments: 0 });
    });

    it('limit= pages in peerId order; the Link header carries the filters and an opaque cursor; the summary counts the filter on every page', async () => {
      const pages = await allPages(running, 'role=worker&limit=2');
      expect(pages.map((page) => page.body.peers.map((p) => p.peerId))).toEqual([
        ['worker-1', 'worker-2'],
        ['worker-3', 'worker-4'],
        ['worker-5'],
      ]);
      for (const page of pages) expect(page.body.summary).toEqual({ eligiblePeers: 4, unhealthyPeers: 1, pendingReassignments: 1 });
      expect(pages[0]?.link).toMatch(/^<\/omnirelay\/control\/lease-health\?role=worker&limit=2&cursor=[^&>]+>; rel="next"$/);
      expect(pages[2]?.link).toBeNull();
    });

    it('paging the whole fleet yields every peer once and the fleet summary', async () => {
      const whole = (await running.get(ROUTE).then((r) => r.json())) as Body;
      const pages = await allPages(running, 'limit=3');
      expect(pages.flatMap((page) => page.body.peers)).toEqual(whole.peers);
      for (const page of pages) expect(page.body.summary).toEqual(whole.summary);
    });

    it.each([
      ['limit=0', /limit/],
      ['limit=abc', /limit/],
      ['limit=10001', /limit/],
      ['limit=2&limit=3', /once/],
      ['limit=2&cursor=not-a-cursor', /cursor/],
      ['limit=2&cursor=a1.!!', /cursor/],
      ['cursor=a1.d29ya2VyLTI', /needs 'limit'/],
      ['label.=x', /label/],
      [`label.zone=${'x'.repeat(300)}`, /label.zone/],
      ['role=%20', /role/],
      ['region=eu', /Unknown query parameter 'region'/],
      [Array.from({ length: 17 }, (_, i) => `label.k${i}=v`).join('&'), /At most 16/],
    ])('?%s is a 400 with a JSON body', async (query, message) => {
      const response = await running.get(`${ROUTE}?${query}`);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      const body = (await response.json()) as { statusCode: number; message: string };
      expect(body.statusCode).toBe(400);
      expect(body.message).toMatch(message);
    });
  });
});
