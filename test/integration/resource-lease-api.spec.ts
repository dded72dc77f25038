import { PeerHealthModule, PeerLeaseHealthTracker } from '@omnirelay/peer-health';
import { ResourceLeaseModule, ResourceLeaseQueue } from '@omnirelay/resource-lease';
import { MeshGossipModule } from '@omnirelay/mesh-gossip';
import { startHttpApp, type RunningApp } from '../support/http-app';
import { pollUntil } from '../support/poll';

interface Grant {
  sequenceId: number;
  attempt: number;
  leaseId: string;
  resourceType: string;
}

describe('the resource-lease dispatcher over HTTP', () => {
  let running: RunningApp;
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${running.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
  };

  beforeEach(async () => {
    running = await startHttpApp({
      imports: [PeerHealthModule.forRoot({ heartbeatGracePeriodMs: 60_000 }), ResourceLeaseModule.forRoot({ leaseDurationMs: 300 })],
    });
  });
  afterEach(async () => {
    await running.close();
  });

  it('leases, heartbeats and completes work, recording every step into the kit', async () => {
    expect((await post('/control/work', { resourceType: 'catalog', resourceId: 'sku-1', payload: { n: 1 } })).status).toBe(201);
    const leased = await post('/control/leases', { workerId: 'w-1' });
    expect(leased.status).toBe(200);
    const grant = leased.body as unknown as Grant;
    expect(grant).toMatchObject({ sequenceId: 1, attempt: 1, resourceType: 'catalog' });
    const reference = { workerId: 'w-1', sequenceId: 1, attempt: 1 };
    expect((await post(`/control/leases/${grant.leaseId}/heartbeat`, { ...reference, pendingCount: 3 })).status).toBe(200);
    const tracker = running.app.get(PeerLeaseHealthTracker);
    expect(tracker.snapshot()[0]).toMatchObject({ peerId: 'w-1', activeAssignments: 1 });
    expect(tracker.snapshot()[0]?.metadata).toMatchObject({ 'pending.count': '3', 'resource.type': 'catalog', 'resource.id': 'sku-1' });
    expect((await post(`/control/leases/${grant.leaseId}/complete`, reference)).status).toBe(200);
    expect(tracker.snapshot()[0]).toMatchObject({ activeAssignments: 0, pendingReassignments: 0 });
    // Completing again (the worker lost the first answer) answers 200 and changes nothing; another worker is refused.
    expect((await post(`/control/leases/${grant.leaseId}/complete`, reference)).status).toBe(200);
    expect((await post(`/control/leases/${grant.leaseId}/complete`, { ...reference, workerId: 'w-2' })).status).toBe(404);
    expect((await post(`/control/leases/${grant.leaseId}/fail`, reference)).status).toBe(404);
    expect((await post('/control/leases', { workerId: 'w-1' })).status).toBe(204);
    expect(await (await fetch(`${running.url}/control/work`)).json()).toMatchObject({ total: 1, completed: 1, pending: 0, leased: 0 });
  });

  it('requeues a failed item with the next attempt, and an expired lease with a disconnect of the worker', async () => {
    await post('/control/work', { resourceType: 'a', resourceId: '1' });
    const first = (await post('/control/leases', { workerId: 'w-1' })).body as unknown as Grant;
    await post(`/control/leases/${first.leaseId}/fail`, { workerId: 'w-1', sequenceId: 1, attempt: 1, reason: 'crashed' });
    const second = (await post('/control/leases', { workerId: 'w-2' })).body as unknown as Grant;
    expect(second).toMatchObject({ sequenceId: 1, attempt: 2 });
    const tracker = running.app.get(PeerLeaseHealthTracker);
    const w2Transitions: string[] = [];
    tracker.onTransition((t) => {
      if (t.peerId === 'w-2') w2Transitions.push(`${t.from}->${t.to}:${t.reason}`);
    });
    const { value: w2 } = await pollUntil(
      'the lease of w-2 to expire',
      () => Promise.resolve(tracker.snapshot().find((s) => s.peerId === 'w-2' && !s.isHealthy)),
      5000,
    );
    expect(w2).toMatchObject({ isHealthy: false, activeAssignments: 0, pendingReassignments: 1 });
    expect(w2?.metadata['disconnect.reason']).toBe('lease-expired');
    // One transition for the expiry, never a recovery in between (no 'release' on the way).
    expect(w2Transitions).toEqual(['healthy->unhealthy:lease-expired']);
    expect(await running.app.get(ResourceLeaseQueue).item(1)).toMatchObject({ state: 'pending', attempt: 3, holders: ['w-1', 'w-2'] });
    // The unhealthy worker is not eligible for work until it heartbeats again.
    expect((await post('/control/leases', { workerId: 'w-2' })).status).toBe(409);
    await post('/control/workers/w-2/heartbeat', {});
    expect((await post('/control/leases', { workerId: 'w-2' })).status).toBe(200);
  });

  it('answers bad requests with 4xx JSON bodies and loses nothing', async () => {
    await post('/control/work', { resourceType: 'a', resourceId: '1' });
    await post('/control/work', { resourceType: 'a', resourceId: '2' });
    const grant = (await post('/control/leases', { workerId: 'w-1' })).body as unknown as Grant;
    const cases: Array<[string, unknown, number]> = [
      ['/control/work', { resourceType: '' }, 400],
      ['/control/work', '{not json', 400],
      ['/control/work', [1, 2], 400],
      ['/control/leases', {}, 400],
      ['/control/leases/00000000-0000-4000-8000-000000000000/heartbeat', { workerId: 'w-1', sequenceId: 1, attempt: 1 }, 404],
      [`/control/leases/${grant.leaseId}/heartbeat`, { workerId: 'w-1', sequenceId: 1, attempt: 2 }, 409],
      [`/control/leases/${grant.leaseId}/complete`, { workerId: 'w-9', sequenceId: 1, attempt: 1 }, 409],
      [`/control/leases/${grant.leaseId}/complete`, { workerId: 'w-1', sequenceId: 'one', attempt: 1 }, 400],
      ['/control/workers/w-1/heartbeat', { pendingCount: -1 }, 400],
    ];
    for (const [path, body, status] of cases) {
      const response = await post(path, body);
      expect({ path, status: response.status }).toEqual({ path, status });
      expect(typeof response.body?.['message']).toBe('string');
    }
    expect((await fetch(`${running.url}/control/work/abc`)).status).toBe(400);
    expect((await fetch(`${running.url}/control/work/99`)).status).toBe(404);
    const stats = (await (await fetch(`${running.url}/control/work`)).json()) as Record<string, number>;
    expect(stats).toMatchObject({ total: 2, leased: 1, pending: 1, completed: 0 });
  });

  it('skips workers the snapshot providers call ineligible when pushing work', async () => {
    const queue = running.app.get(ResourceLeaseQueue);
    running.app.get(PeerLeaseHealthTracker).recordDisconnect('down', 'gone');
    await queue.enqueue({ resourceType: 'a', resourceId: '1' });
    expect(await queue.push(['down'])).toBeUndefined();
    expect((await queue.push(['down', 'up']))?.workerId).toBe('up');
  });
});

describe('the gossip endpoint', () => {
  it('answers garbage from another node with 400 JSON and keeps serving', async () => {
    const running = await startHttpApp({
      imports: [PeerHealthModule.forRoot(), MeshGossipModule.forRoot({ nodeId: 'n-1', role: 'control-plane' })],
    });
    try {
      for (const body of ['{"from":', '[]', '{"from":"x"}', '{"from":"x","members":{}}']) {
        const response = await fetch(`${running.url}/control/gossip`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        expect(response.status).toBe(400);
        expect(((await response.json()) as { statusCode: number }).statusCode).toBe(400);
      }
      const ok = await fetch(`${running.url}/control/gossip`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          from: 'n-2',
          members: [
            { nodeId: 'n-2', url: 'http://127.0.0.1:1', role: 'worker', cluster: 'c', region: 'r', meshVersion: '1', http3: true, labels: { zone: 'a' }, incarnation: 1, heartbeat: 1, state: 'alive' },
            { nodeId: '__proto__', url: 'nope', role: 'x' },
          ],
        }),
      });
      expect(ok.status).toBe(200);
      const peers = (await (await running.get('/control/peers')).json()) as { members: Array<{ nodeId: string; state: string }> };
      expect(peers.members.map((m) => [m.nodeId, m.state])).toEqual([['n-1', 'alive'], ['n-2', 'alive']]);
      const n2 = running.app.get(PeerLeaseHealthTracker).snapshot().find((s) => s.peerId === 'n-2');
      expect(n2?.metadata).toMatchObject({ 'mesh.role': 'worker', 'mesh.http3': 'true', 'label.zone': 'a' });
    } finally {
      await running.close();
    }
  });
});
