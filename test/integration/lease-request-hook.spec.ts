import type { INestApplication } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { PeerHealthModule, PeerLeaseHealthTracker } from '@omnirelay/peer-health';
import { ResourceLeaseModule, ResourceLeaseQueue } from '@omnirelay/resource-lease';
import fc from 'fast-check';
import { FastPathContext } from '../../dist/apps/control-plane/roles/dispatcher/fast-path-context';
import { LeaseRoutesHook } from '../../dist/apps/control-plane/roles/dispatcher/lease-routes.hook';
import { AUTH_TOKEN_TABLE } from '../../dist/apps/control-plane/security/auth-tokens.constants';
import { BearerAuthGuard } from '../../dist/apps/control-plane/security/bearer-auth.guard';
import { startPlatformApp, type HttpPlatform, type RunningApp } from '../support/http-app';
import { PipelineCounter } from '../support/pipeline-counter';
import { ADMIN, READER, WORKER_1, WORKER_2, workerHeartbeatTokens } from '../support/worker-heartbeat-tokens';

// The host answers POST /control/leases from a Fastify preHandler hook, before Nest's pipeline, through
// the lib's lease request answer, as the controller does. Hosts seeded alike get the same requests in
// the same order, one with the hook and one where Nest answers (the controller and the guard): status,
// headers and body bytes must agree (lease ids are random: each is named by its order), the sequence
// ids granted too, and so must what the kit recorded.

/** Items each host starts with: the properties run past them, so 204 (nothing pending) is asked too. */
const SEEDED = 8;
const LEASE_ID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

interface Request {
  readonly token: string | undefined;
  /** JSON text of the body (or not JSON at all). */
  readonly body: string;
}

interface Reply {
  readonly status: number;
  readonly contentType: string | null;
  readonly authenticate: string | null;
  readonly text: string;
}

async function host(platform: HttpPlatform, options: { tokens: boolean; hook: boolean }): Promise<RunningApp<INestApplication>> {
  const running = await startPlatformApp(platform, {
    imports: [PeerHealthModule.forRoot({ heartbeatGracePeriodMs: 60_000 }), ResourceLeaseModule.forRoot({ leaseDurationMs: 60_000 })],
    providers: [
      ...(options.tokens ? [{ provide: AUTH_TOKEN_TABLE, useValue: workerHeartbeatTokens }, { provide: APP_GUARD, useClass: BearerAuthGuard }] : []),
      { provide: APP_INTERCEPTOR, useClass: PipelineCounter },
      ...(options.hook ? [FastPathContext, LeaseRoutesHook] : []),
    ],
  });
  const queue = running.app.get(ResourceLeaseQueue);
  for (let i = 0; i < SEEDED; i++) await queue.enqueue({ resourceType: 'catalog', resourceId: `sku-${i}`, payload: { i } });
  return running;
}

async function ask(running: RunningApp<INestApplication>, request: Request): Promise<Reply> {
  const response = await fetch(`${running.url}/control/leases`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(request.token === undefined ? {} : { authorization: `Bearer ${request.token}` }) },
    body: request.body,
  });
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get('content-type'), authenticate: response.headers.get('www-authenticate'), text };
}

/** Asks both hosts, in turn, and names each lease id by its order in that host's answers. */
function pairOf(first: RunningApp<INestApplication>, second: RunningApp<INestApplication>) {
  const names = [new Map<string, string>(), new Map<string, string>()];
  const named = (reply: Reply, side: number): Reply => {
    const seen = names[side] ?? new Map<string, string>();
    return { ...reply, text: reply.text.replace(LEASE_ID, (id) => seen.get(id) ?? seen.set(id, `<lease-${seen.size}>`).get(id) ?? id) };
  };
  return async (request: Request): Promise<[Reply, Reply]> => [named(await ask(first, request), 0), named(await ask(second, request), 1)];
}

/** The leases the kit holds, by worker. */
const recorded = (running: RunningApp<INestApplication>): unknown =>
  running.app
    .get(PeerLeaseHealthTracker)
    .snapshot()
    .map((peer) => `${peer.peerId}: ${peer.activeLeases.map((lease) => lease.sequenceId).join(',')}`)
    .sort();

const body = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom<unknown>('worker-1', 'worker-2', 'worker-9', '', ' ', 42, null, 'w'.repeat(300)).map((workerId) => JSON.stringify({ workerId })) },
  { weight: 1, arbitrary: fc.constantFrom('[]', 'null', '"worker-1"', '{}', '7', '{not json', '', '{"workerId":"worker-1","extra":[1,{"a":2}]}') },
);
const token = fc.constantFrom<string | undefined>(WORKER_1, WORKER_1, WORKER_2, ADMIN, READER, 'unknown-token-0000000000', undefined);

/** The hosts `made`, started before a block's tests and closed after them; `get()` hands them over once started. */
function started(...made: ReadonlyArray<() => Promise<RunningApp<INestApplication>>>): { get(): [RunningApp<INestApplication>, RunningApp<INestApplication>] } {
  const hosts: Array<RunningApp<INestApplication>> = [];
  beforeAll(async () => {
    for (const make of made) hosts.push(await make());
  });
  afterAll(async () => {
    for (const running of hosts) await running.close();
  });
  return {
    get: () => {
      const [first, second] = hosts;
      if (first === undefined || second === undefined) throw new Error('the hosts are not started');
      return [first, second];
    },
  };
}

describe('the lease request hook', () => {
  describe('on Fastify with the host guard', () => {
    const hosts = started(
      () => host('fastify', { tokens: true, hook: true }),
      () => host('fastify', { tokens: true, hook: false }),
    );

    it('leases without entering Nest, and answers any request as Nest does (property)', async () => {
      const [hooked, plain] = hosts.get();
      const both = pairOf(hooked, plain);
      const before = PipelineCounter.calls;
      const [fast, nest] = await both({ token: WORKER_1, body: JSON.stringify({ workerId: 'worker-1' }) });
      expect(fast).toEqual({ status: 200, contentType: 'application/json; charset=utf-8', authenticate: null, text: expect.stringContaining('"leaseId":"<lease-0>"') as unknown });
      expect(fast).toEqual(nest);
      // Only the host without the hook entered Nest.
      expect(PipelineCounter.calls).toBe(before + 1);
      await fc.assert(
        fc.asyncProperty(token, body, async (t, text) => {
          const [hookAnswer, nestAnswer] = await both({ token: t, body: text });
          expect(hookAnswer).toEqual(nestAnswer);
        }),
        { numRuns: 200 },
      );
      // The seeded items ran out on both: 204 with no body, as Nest answers it.
      const [empty, emptyNest] = await both({ token: ADMIN, body: JSON.stringify({ workerId: 'worker-2' }) });
      expect(empty).toEqual({ status: 204, contentType: null, authenticate: null, text: '' });
      expect(empty).toEqual(emptyNest);
      expect(recorded(hooked)).toEqual(recorded(plain));
    });
  });

  describe('without tokens, on Fastify and on Express', () => {
    // On Express the hook is registered too, and adds nothing: Nest answers.
    const hosts = started(
      () => host('fastify', { tokens: false, hook: true }),
      () => host('express', { tokens: false, hook: true }),
    );

    it('answers any JSON object body as the Express host, where Nest answers, does (property)', async () => {
      const [hooked, express] = hosts.get();
      const both = pairOf(hooked, express);
      // Object bodies: Express's JSON parser refuses other top-level values before any route.
      const objectBody = fc.constantFrom<unknown>('worker-1', 'worker-2', '', 42, null).map((workerId) => JSON.stringify({ workerId }));
      await fc.assert(
        fc.asyncProperty(objectBody, async (text) => {
          const [fast, nest] = await both({ token: undefined, body: text });
          // Express names the charset in its own spelling; the status and the bytes are what must agree.
          expect({ status: fast.status, text: fast.text }).toEqual({ status: nest.status, text: nest.text });
        }),
        { numRuns: 80 },
      );
      expect(recorded(hooked)).toEqual(recorded(express));
    });
  });
});
