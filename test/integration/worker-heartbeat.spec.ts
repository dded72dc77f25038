import { APP_GUARD } from '@nestjs/core';
import { PeerHealthModule, PeerLeaseHealthTracker } from '@omnirelay/peer-health';
import { MAX_HEARTBEAT_LEASE_IDS, ResourceLeaseModule, ResourceLeaseQueue } from '@omnirelay/resource-lease';
import { AUTH_TOKEN_TABLE } from '../../dist/apps/control-plane/security/auth-tokens.constants';
import { BearerAuthGuard } from '../../dist/apps/control-plane/security/bearer-auth.guard';
import { startHttpApp, type RunningApp } from '../support/http-app';
import { ADMIN, WORKER_1, WORKER_2, workerHeartbeatTokens as tokens } from '../support/worker-heartbeat-tokens';

// POST /control/workers/:workerId/heartbeat: one request renews the worker's leases (the named
// ones, or all), behind the host's bearer guard: a worker token heartbeats only as its own subject.

interface Grant {
  readonly sequenceId: number;
  readonly attempt: number;
  readonly leaseId: string;
}

describe('the worker heartbeat route', () => {
  let running: RunningApp;
  const post = async (path: string, token: string, body?: unknown) => {
    const response = await fetch(`${running.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
  };
  const leaseFor = async (workerId: string, token: string): Promise<Grant> => {
    await post('/control/work', ADMIN, { resourceType: 'catalog', resourceId: `sku-${workerId}` });
    const leased = await post('/control/leases', token, { workerId });
    expect(leased.status).toBe(200);
    return leased.body as unknown as Grant;
  };

  beforeEach(async () => {
    running = await startHttpApp({
      imports: [PeerHealthModule.forRoot({ heartbeatGracePeriodMs: 60_000 }), ResourceLeaseModule.forRoot({ leaseDurationMs: 60_000 })],
      providers: [
        { provide: AUTH_TOKEN_TABLE, useValue: tokens },
        { provide: APP_GUARD, useClass: BearerAuthGuard },
      ],
    });
  });
  afterEach(async () => {
    await running.close();
  });

  it('renews every lease the worker holds when the body names none', async () => {
    const grants = [await leaseFor('worker-1', WORKER_1), await leaseFor('worker-1', WORKER_1), await leaseFor('worker-1', WORKER_1)];
    const other = await leaseFor('worker-2', WORKER_2);
    // Everything renewed: 204, nothing to say.
    expect(await post('/control/workers/worker-1/heartbeat', WORKER_1)).toEqual({ status: 204, body: undefined });
    expect(await post('/control/workers/worker-1/heartbeat', WORKER_1, { pendingCount: 7, leaseIds: grants.map((grant) => grant.leaseId) })).toEqual({
      status: 204,
      body: undefined,
    });
    const tracker = running.app.get(PeerLeaseHealthTracker);
    const worker1 = tracker.snapshot().find((peer) => peer.peerId === 'worker-1');
    expect(worker1?.activeLeases.map((lease) => lease.leaseId).sort()).toEqual(grants.map((grant) => grant.leaseId).sort());
    expect(worker1?.metadata['pending.count']).toBe('7');
    // Another worker's lease is neither renewed nor touched.
    const queue = running.app.get(ResourceLeaseQueue);
    expect(await queue.holderOf(other.leaseId)).toBe('worker-2');
  });

  it('renews the named leases it holds and lists the others as lost', async () => {
    const [a, b] = [await leaseFor('worker-1', WORKER_1), await leaseFor('worker-1', WORKER_1)];
    const foreign = await leaseFor('worker-2', WORKER_2);
    if (!a || !b) throw new Error('no grants');
    await post(`/control/leases/${b.leaseId}/complete`, WORKER_1, { workerId: 'worker-1', sequenceId: b.sequenceId, attempt: b.attempt });
    const unknown = '00000000-0000-4000-8000-00000000beef';
    const answer = await post('/control/workers/worker-1/heartbeat', WORKER_1, { leaseIds: [a.leaseId, a.leaseId, b.leaseId, foreign.leaseId, unknown] });
    expect(answer).toEqual({ status: 200, body: { renewed: 1, lost: [b.leaseId, foreign.leaseId, unknown] } });
    expect(await running.app.get(ResourceLeaseQueue).holderOf(foreign.leaseId)).toBe('worker-2');
  });

  it('keeps an idle worker alive: a heartbeat of a worker without leases renews nothing', async () => {
    expect(await post('/control/workers/worker-1/heartbeat', WORKER_1, {})).toEqual({ status: 204, body: undefined });
    expect(running.app.get(PeerLeaseHealthTracker).snapshot().find((peer) => peer.peerId === 'worker-1')?.isHealthy).toBe(true);
  });

  it('answers 403 to a worker token heart-beating as another worker, and renews nothing', async () => {
    const grant = await leaseFor('worker-2', WORKER_2);
    const before = running.app.get(PeerLeaseHealthTracker).snapshot().find((peer) => peer.peerId === 'worker-2')?.lastHeartbeat;
    const answer = await post('/control/workers/worker-2/heartbeat', WORKER_1, { leaseIds: [grant.leaseId] });
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({ statusCode: 403, error: 'forbidden' });
    expect((await post('/control/workers/worker-2/heartbeat', 'unknown-token-0000000000')).status).toBe(401);
    expect(running.app.get(PeerLeaseHealthTracker).snapshot().find((peer) => peer.peerId === 'worker-2')?.lastHeartbeat).toBe(before);
  });

  it('answers 400 with a JSON body to bad bodies', async () => {
    const tooMany = Array.from({ length: MAX_HEARTBEAT_LEASE_IDS + 1 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    const bad: unknown[] = [
      '{not json',
      '[1,2]',
      { leaseIds: 'all' },
      { leaseIds: [1] },
      { leaseIds: [''] },
      { leaseIds: ['x'.repeat(65)] },
      { leaseIds: tooMany },
      { pendingCount: -1 },
      { pendingCount: 'many' },
    ];
    for (const body of bad) {
      const answer = await post('/control/workers/worker-1/heartbeat', WORKER_1, body);
      expect({ body, status: answer.status }).toEqual({ body, status: 400 });
      expect(typeof answer.body?.['message']).toBe('string');
    }
  });
});
