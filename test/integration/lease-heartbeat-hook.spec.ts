import type { INestApplication } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { PeerHealthModule, PeerLeaseHealthTracker } from '@omnirelay/peer-health';
import { ResourceLeaseModule, ResourceLeaseQueue, type LeaseGrant } from '@omnirelay/resource-lease';
import fc from 'fast-check';
import { LeaseRoutesHook } from '../../dist/apps/control-plane/roles/dispatcher/lease-routes.hook';
import { FastPathContext } from '../../dist/apps/control-plane/roles/dispatcher/fast-path-context';
import { AUTH_TOKEN_TABLE } from '../../dist/apps/control-plane/security/auth-tokens.constants';
import { BearerAuthGuard } from '../../dist/apps/control-plane/security/bearer-auth.guard';
import { PipelineCounter } from '../support/pipeline-counter';
import { startPlatformApp, type HttpPlatform, type RunningApp } from '../support/http-app';
import { ADMIN, READER, WORKER_1, WORKER_2, workerHeartbeatTokens as tokens } from '../support/worker-heartbeat-tokens';

// The host answers POST /control/leases/:leaseId/heartbeat from a Fastify preHandler hook, before
// Nest's pipeline, through the lib's lease heartbeat answer, as the controller does. The same requests
// go to a host with the hook and to hosts without it (Nest's controller and guard; on Express the hook
// adds nothing): status, headers and body bytes must be the same, and so must what the kit recorded.

interface Host {
  readonly running: RunningApp<INestApplication>;
  /** The lease ids of the seeded leases, by slot: worker-1 holds slots 0 and 1, worker-2 slot 2. */
  readonly leases: readonly LeaseGrant[];
}

/** What a request is, with leases named by slot so it means the same on every host. */
interface Ask {
  readonly token: string | undefined;
  readonly lease: number | string;
  /** A JSON body built from the slot's grant, or raw text. */
  readonly body: { readonly raw: string } | { readonly fields: Readonly<Record<string, unknown>> };
}

interface Answer {
  readonly status: number;
  readonly contentType: string | null;
  readonly authenticate: string | null;
  readonly text: string;
}

async function start(platform: HttpPlatform, withTokens: boolean, withHook: boolean): Promise<Host> {
  const running = await startPlatformApp(platform, {
    imports: [PeerHealthModule.forRoot({ heartbeatGracePeriodMs: 60_000 }), ResourceLeaseModule.forRoot({ leaseDurationMs: 60_000 })],
    providers: [
      ...(withTokens ? [{ provide: AUTH_TOKEN_TABLE, useValue: tokens }, { provide: APP_GUARD, useClass: BearerAuthGuard }] : []),
      { provide: APP_INTERCEPTOR, useClass: PipelineCounter },
      ...(withHook ? [FastPathContext, LeaseRoutesHook] : []),
    ],
  });
  const queue = running.app.get(ResourceLeaseQueue);
  for (let i = 0; i < 3; i++) await queue.enqueue({ resourceType: 'catalog', resourceId: `sku-${i}` });
  const leases: LeaseGrant[] = [];
  for (const worker of ['worker-1', 'worker-1', 'worker-2']) {
    const grant = await queue.lease(worker);
    if (grant === undefined) throw new Error('seeding found nothing pending');
    leases.push(grant);
  }
  return { running, leases };
}

/** Sends `ask` to `host`; its lease ids in the answer are replaced by their slot names, as they differ between hosts. */
async function send(host: Host, ask: Ask): Promise<Answer> {
  const grant = typeof ask.lease === 'number' ? host.leases[ask.lease] : undefined;
  const leaseId = grant?.leaseId ?? String(ask.lease);
  const body = 'raw' in ask.body ? ask.body.raw : JSON.stringify({ ...ask.body.fields, ...(grant && ask.body.fields.sequenceId === 'slot' ? { sequenceId: grant.sequenceId } : {}) });
  const response = await fetch(`${host.running.url}/control/leases/${encodeURIComponent(leaseId)}/heartbeat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(ask.token === undefined ? {} : { authorization: `Bearer ${ask.token}` }) },
    body,
  });
  let text = await response.text();
  host.leases.forEach((lease, slot) => (text = text.split(lease.leaseId).join(`<slot-${slot}>`)));
  return { status: response.status, contentType: response.headers.get('content-type'), authenticate: response.headers.get('www-authenticate'), text };
}

/** What the kit holds of each worker: its leases and the pending count its last heartbeat reported. */
function recorded(host: Host): unknown {
  return host.running.app
    .get(PeerLeaseHealthTracker)
    .snapshot()
    .map((peer) => ({ peerId: peer.peerId, leases: peer.activeLeases.length, pending: peer.metadata['pending.count'] ?? null }))
    .sort((a, b) => a.peerId.localeCompare(b.peerId));
}

const worker = fc.constantFrom<unknown>('worker-1', 'worker-2', 'worker-9', '', ' ', 42, null);
const fieldsArbitrary = fc.record(
  {
    workerId: worker,
    // 'slot': the sequence id of the lease named (the right one).
    sequenceId: fc.constantFrom<unknown>('slot', 'slot', 1, 2, 3, 99, 0, -1, 1.5, '1'),
    attempt: fc.constantFrom<unknown>(1, 1, 2, 0, 'one'),
    pendingCount: fc.constantFrom<unknown>(0, 4, 17, -1, 2.5, '3'),
    extra: fc.constantFrom<unknown>('x', 1, [1, 2], { nested: true }),
  },
  { requiredKeys: ['workerId', 'sequenceId', 'attempt'] },
);
const jsonBody = fc.oneof(
  { weight: 8, arbitrary: fieldsArbitrary.map((fields) => ({ fields })) },
  { weight: 1, arbitrary: fc.constantFrom('[]', 'null', '"worker-1"', '{}', '7').map((raw) => ({ raw })) },
);
const leaseSlot = (others: readonly string[]): fc.Arbitrary<number | string> =>
  fc.oneof({ weight: 6, arbitrary: fc.constantFrom<number | string>(0, 1, 2) }, { weight: 1, arbitrary: fc.constantFrom(...others) });
const token = fc.constantFrom<string | undefined>(WORKER_1, WORKER_1, WORKER_2, ADMIN, READER, 'unknown-token-0000000000', undefined);

/** Two hosts started before a block's tests (`first` with the hook) and closed after them. */
function hostPair(platform: HttpPlatform, withTokens: boolean, second: { platform: HttpPlatform; withHook: boolean }): { first(): Host; second(): Host } {
  const hosts: Host[] = [];
  beforeAll(async () => {
    hosts.push(await start(platform, withTokens, true), await start(second.platform, withTokens, second.withHook));
  });
  afterAll(async () => {
    for (const host of hosts) await host.running.close();
  });
  const at = (index: number): Host => {
    const host = hosts[index];
    if (host === undefined) throw new Error('the hosts are not started');
    return host;
  };
  return { first: () => at(0), second: () => at(1) };
}

describe('the lease heartbeat hook', () => {
  describe('on Fastify with the host guard', () => {
    const pair = hostPair('fastify', true, { platform: 'fastify', withHook: false });
    let hooked: Host;
    let plain: Host;
    beforeAll(() => {
      hooked = pair.first();
      plain = pair.second();
    });

    it('extends the lease and answers 200 without entering Nest', async () => {
      const before = PipelineCounter.calls;
      const grant = hooked.leases[0];
      const ask: Ask = { token: WORKER_1, lease: 0, body: { fields: { workerId: 'worker-1', sequenceId: 'slot', attempt: 1, pendingCount: 5 } } };
      expect(await send(hooked, ask)).toEqual({ status: 200, contentType: 'application/json; charset=utf-8', authenticate: null, text: '{"ok":true}' });
      expect(PipelineCounter.calls).toBe(before);
      // Other routes still go through Nest.
      await fetch(`${hooked.running.url}/control/work`, { headers: { authorization: `Bearer ${READER}` } });
      expect(PipelineCounter.calls).toBe(before + 1);
      expect(await send(plain, ask)).toEqual(await send(hooked, ask));
      const peer = hooked.running.app.get(PeerLeaseHealthTracker).snapshot().find((entry) => entry.peerId === 'worker-1');
      expect(peer?.metadata['pending.count']).toBe('5');
      expect(peer?.activeLeases.map((lease) => lease.leaseId)).toContain(grant?.leaseId);
    });

    it('answers a table of requests as the host without the hook does', async () => {
      const right = (workerId: string): Ask['body'] => ({ fields: { workerId, sequenceId: 'slot', attempt: 1 } });
      const table: Ask[] = [
        { token: WORKER_1, lease: 1, body: right('worker-1') },
        { token: WORKER_2, lease: 0, body: right('worker-2') },
        { token: WORKER_2, lease: 0, body: right('worker-1') },
        { token: ADMIN, lease: 2, body: right('worker-1') },
        { token: ADMIN, lease: 2, body: { fields: { workerId: 'worker-2', sequenceId: 'slot', attempt: 2 } } },
        { token: ADMIN, lease: 'no-such-lease', body: right('worker-1') },
        { token: READER, lease: 0, body: right('worker-1') },
        { token: 'unknown-token-0000000000', lease: 0, body: right('worker-1') },
        { token: undefined, lease: 0, body: right('worker-1') },
        { token: WORKER_1, lease: 0, body: { raw: '{not json' } },
        { token: WORKER_1, lease: 0, body: { raw: '' } },
        { token: WORKER_1, lease: 0, body: { raw: '[]' } },
        { token: WORKER_1, lease: 0, body: { fields: { workerId: 'worker-1', sequenceId: 'slot', attempt: 1, pendingCount: -2 } } },
      ];
      for (const ask of table) expect({ ask, answer: await send(hooked, ask) }).toEqual({ ask, answer: await send(plain, ask) });
      expect(recorded(hooked)).toEqual(recorded(plain));
    });

    it('answers any request as the host without the hook does (property)', async () => {
      await fc.assert(
        fc.asyncProperty(token, leaseSlot(['no-such-lease', ' ', 'l'.repeat(300)]), jsonBody, async (t, lease, body) => {
          const ask: Ask = { token: t, lease, body };
          expect(await send(hooked, ask)).toEqual(await send(plain, ask));
        }),
        { numRuns: 150 },
      );
      expect(recorded(hooked)).toEqual(recorded(plain));
    });
  });

  describe('without tokens, on Fastify and on Express', () => {
    // On Express the hook is registered too, and adds nothing: Nest answers.
    const pair = hostPair('fastify', false, { platform: 'express', withHook: true });
    let hooked: Host;
    let express: Host;
    beforeAll(() => {
      hooked = pair.first();
      express = pair.second();
    });

    it('answers any JSON request as the Express host, where Nest answers, does (property)', async () => {
      await fc.assert(
        // Object bodies and short ids: Express's JSON parser refuses other top-level values, and Fastify
        // lease ids over 100 characters, each before any route.
        fc.asyncProperty(leaseSlot(['no-such-lease', ' ']), fieldsArbitrary, async (lease, fields) => {
          const body = { fields };
          const ask: Ask = { token: undefined, lease, body };
          const [fast, nest] = [await send(hooked, ask), await send(express, ask)];
          // Express names the charset in its own spelling; the status and the bytes are what must agree.
          expect({ status: fast.status, text: fast.text }).toEqual({ status: nest.status, text: nest.text });
        }),
        { numRuns: 150 },
      );
      expect(recorded(hooked)).toEqual(recorded(express));
    });
  });
});
