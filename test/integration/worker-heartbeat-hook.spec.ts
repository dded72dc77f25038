import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { PeerHealthModule, PeerLeaseHealthTracker } from '@omnirelay/peer-health';
import { ResourceLeaseModule, ResourceLeaseQueue } from '@omnirelay/resource-lease';
import { WorkerHeartbeatHook } from '../../dist/apps/control-plane/roles/dispatcher/worker-heartbeat.hook';
import { FastPathContext } from '../../dist/apps/control-plane/roles/dispatcher/fast-path-context';
import { AUTH_TOKEN_TABLE } from '../../dist/apps/control-plane/security/auth-tokens.constants';
import { BearerAuthGuard } from '../../dist/apps/control-plane/security/bearer-auth.guard';
import { PipelineCounter } from '../support/pipeline-counter';
import { startHttpApp, type RunningApp } from '../support/http-app';
import { ADMIN, READER, WORKER_1, workerHeartbeatTokens as tokens } from '../support/worker-heartbeat-tokens';

// The host answers the body-less worker heartbeat from a Fastify hook, before Nest's pipeline. The
// same requests go to a host with the hook and to one without it (Nest's controller and guard):
// every answer must be the same, and the body-less heartbeat must not have entered Nest.

interface Answer {
  readonly status: number;
  readonly authenticate: string | null;
  readonly body: unknown;
}

async function post(running: RunningApp, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  const response = await fetch(`${running.url}${path}`, { method: 'POST', headers, ...(body === undefined ? {} : { body }) });
  const text = await response.text();
  return { status: response.status, authenticate: response.headers.get('www-authenticate'), body: text ? (JSON.parse(text) as unknown) : undefined };
}

const start = (withHook: boolean): Promise<RunningApp> =>
  startHttpApp({
    imports: [PeerHealthModule.forRoot({ heartbeatGracePeriodMs: 60_000 }), ResourceLeaseModule.forRoot({ leaseDurationMs: 60_000 })],
    providers: [
      { provide: AUTH_TOKEN_TABLE, useValue: tokens },
      { provide: APP_GUARD, useClass: BearerAuthGuard },
      { provide: APP_INTERCEPTOR, useClass: PipelineCounter },
      ...(withHook ? [FastPathContext, WorkerHeartbeatHook] : []),
    ],
  });

/** Gives worker-1 two leases and worker-2 one, the same on both hosts. */
async function seed(running: RunningApp): Promise<void> {
  const queue = running.app.get(ResourceLeaseQueue);
  for (let i = 0; i < 3; i++) await queue.enqueue({ resourceType: 'catalog', resourceId: `sku-${i}` });
  await queue.lease('worker-1');
  await queue.lease('worker-1');
  await queue.lease('worker-2');
}

describe('the worker heartbeat hook', () => {
  let hooked: RunningApp;
  let plain: RunningApp;

  beforeEach(async () => {
    hooked = await start(true);
    plain = await start(false);
    await seed(hooked);
    await seed(plain);
  });
  afterEach(async () => {
    await hooked.close();
    await plain.close();
  });

  it('renews every lease of the worker and answers 204 without entering Nest', async () => {
    const before = PipelineCounter.calls;
    expect(await post(hooked, '/control/workers/worker-1/heartbeat', { authorization: `Bearer ${WORKER_1}` })).toEqual({
      status: 204,
      authenticate: null,
      body: undefined,
    });
    expect(PipelineCounter.calls).toBe(before);
    const peer = hooked.app.get(PeerLeaseHealthTracker).snapshot().find((entry) => entry.peerId === 'worker-1');
    expect(peer?.activeLeases).toHaveLength(2);
    expect(peer?.isHealthy).toBe(true);
    // A heartbeat with a body still goes the controller's way.
    expect((await post(hooked, '/control/workers/worker-1/heartbeat', { authorization: `Bearer ${WORKER_1}`, 'content-type': 'application/json' }, '{"pendingCount":3}')).status).toBe(204);
    expect(PipelineCounter.calls).toBe(before + 1);
    expect(hooked.app.get(PeerLeaseHealthTracker).snapshot().find((entry) => entry.peerId === 'worker-1')?.metadata['pending.count']).toBe('3');
  });

  it('answers every request as the host without the hook does', async () => {
    const requests: Array<{ path: string; headers: Record<string, string>; body?: string }> = [
      { path: '/control/workers/worker-1/heartbeat', headers: { authorization: `Bearer ${WORKER_1}` } },
      { path: '/control/workers/worker-2/heartbeat', headers: { authorization: `Bearer ${WORKER_1}` } },
      { path: '/control/workers/worker-2/heartbeat', headers: { authorization: `Bearer ${ADMIN}` } },
      { path: '/control/workers/worker-3/heartbeat', headers: { authorization: `Bearer ${ADMIN}` } },
      { path: '/control/workers/worker-1/heartbeat', headers: { authorization: `Bearer ${READER}` } },
      { path: '/control/workers/worker-1/heartbeat', headers: { authorization: 'Bearer unknown-token-0000000000' } },
      { path: '/control/workers/worker-1/heartbeat', headers: { authorization: 'Basic d29ya2VyOnNlY3JldA==' } },
      { path: '/control/workers/worker-1/heartbeat', headers: {} },
      { path: '/control/workers/%20/heartbeat', headers: { authorization: `Bearer ${ADMIN}` } },
      { path: `/control/workers/${'w'.repeat(300)}/heartbeat`, headers: { authorization: `Bearer ${ADMIN}` } },
      { path: '/control/workers/worker-1/heartbeat', headers: { authorization: `Bearer ${WORKER_1}`, 'content-type': 'application/json' }, body: '{"leaseIds":[]}' },
      { path: '/control/workers/worker-1/heartbeat', headers: { authorization: `Bearer ${WORKER_1}`, 'content-type': 'application/json' }, body: '{not json' },
    ];
    for (const request of requests) {
      const expected = await post(plain, request.path, request.headers, request.body);
      const actual = await post(hooked, request.path, request.headers, request.body);
      expect({ request, answer: actual }).toEqual({ request, answer: expected });
    }
    // Both hosts renewed the same leases for the same workers.
    const peersOf = (running: RunningApp) =>
      running.app
        .get(PeerLeaseHealthTracker)
        .snapshot()
        .map((peer) => ({ peerId: peer.peerId, leases: peer.activeLeases.length, healthy: peer.isHealthy }))
        .sort((a, b) => a.peerId.localeCompare(b.peerId));
    expect(peersOf(hooked)).toEqual(peersOf(plain));
  });
});
