import { Test } from '@nestjs/testing';
import fc from 'fast-check';
import { ManualClock, PeerHealthModule, PeerLeaseHealthTracker } from '@omnirelay/peer-health';
import { LeaseRequestError, MemoryWorkStore, ResourceLeaseModule, ResourceLeaseQueue, type Released, type StoredLease, type WorkerHeartbeatResult, type WorkStore } from '@omnirelay/resource-lease';

// A worker heartbeat renews its leases in one store call (`renewHeld`, and `renewHeldNow` without a
// promise in the memory store). Its slow twin is what the dispatcher did before: read the worker's
// leases, then extend each named one that it holds. Random histories go through both on twin stores;
// every renewal must answer the same, and the stores must then expire the same leases at the same times.

const LIMITS = { maxQueuedItems: 50, completedRetention: 10, maxAttempts: 3 };
const WORKERS = ['w-1', 'w-2', 'w-3'];
const UNKNOWN_LEASE = 'lease-unknown';

type Step =
  | { kind: 'add' }
  | { kind: 'claim'; worker: number; deadline: number }
  | { kind: 'release'; pick: number; outcome: 'completed' | 'failed' }
  | { kind: 'sweep'; now: number }
  | { kind: 'renew'; worker: number; named: readonly number[] | undefined; deadline: number; now: boolean };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.constant<Step>({ kind: 'add' }),
  fc.record({ kind: fc.constant('claim' as const), worker: fc.nat(WORKERS.length - 1), deadline: fc.integer({ min: 0, max: 100 }) }),
  fc.record({ kind: fc.constant('release' as const), pick: fc.nat(), outcome: fc.constantFrom('completed' as const, 'failed' as const) }),
  fc.record({ kind: fc.constant('sweep' as const), now: fc.integer({ min: 0, max: 100 }) }),
  fc.record({
    kind: fc.constant('renew' as const),
    worker: fc.nat(WORKERS.length - 1),
    // Indexes into every lease id handed out so far (any worker's, finished ones too) and one never handed out; repeats allowed.
    named: fc.option(fc.array(fc.nat(), { maxLength: 6 }), { nil: undefined }),
    deadline: fc.integer({ min: 0, max: 100 }),
    now: fc.boolean(),
  }),
);

/** The slow twin: the worker's leases read, then each wanted one extended on its own (a refusal makes it lost). */
async function renewOneByOne(store: WorkStore, workerId: string, leaseIds: readonly string[] | undefined, deadline: number): Promise<{ renewed: StoredLease[]; lost: string[] }> {
  const held = leaseIds?.length === 0 ? [] : await store.leasesOf(workerId);
  const lost: string[] = [];
  const wanted = leaseIds === undefined ? [...held] : [];
  if (leaseIds !== undefined) {
    for (const leaseId of new Set(leaseIds)) {
      const lease = held.find((candidate) => candidate.leaseId === leaseId);
      if (lease) wanted.push(lease);
      else lost.push(leaseId);
    }
  }
  const renewed: StoredLease[] = [];
  for (const lease of wanted) {
    try {
      renewed.push(await store.extend(lease.leaseId, { workerId, sequenceId: lease.sequenceId, attempt: lease.attempt }, deadline));
    } catch (error) {
      if (!(error instanceof LeaseRequestError)) throw error;
      lost.push(lease.leaseId);
    }
  }
  return { renewed, lost };
}

const fields = (leases: readonly StoredLease[]) => leases.map(({ leaseId, workerId, sequenceId, attempt }) => ({ leaseId, workerId, sequenceId, attempt }));

describe('renewing a worker\'s leases in one store call', () => {
  it('answers as reading and extending lease by lease, and leaves the same deadlines behind', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 60 }), async (steps) => {
        const fast = new MemoryWorkStore(LIMITS);
        const slow = new MemoryWorkStore(LIMITS);
        const issued: string[] = [];
        for (const s of steps) {
          if (s.kind === 'add') {
            const added = await Promise.allSettled([fast.add('t', 'r', null), slow.add('t', 'r', null)]);
            expect(added[0]).toEqual(added[1]);
          } else if (s.kind === 'claim') {
            const leaseId = `lease-${issued.length}`;
            const workerId = WORKERS[s.worker] ?? 'w-1';
            const claimed = [await fast.claim(workerId, leaseId, s.deadline), await slow.claim(workerId, leaseId, s.deadline)];
            expect(claimed[0]).toEqual(claimed[1]);
            if (claimed[0]) issued.push(leaseId);
          } else if (s.kind === 'release') {
            const leaseId = issued[s.pick % Math.max(1, issued.length)];
            const active = (await Promise.all(WORKERS.map((workerId) => slow.leasesOf(workerId)))).flat();
            const lease = active.find((held) => held.leaseId === leaseId);
            if (!lease) continue;
            const reference = { workerId: lease.workerId, sequenceId: lease.sequenceId, attempt: lease.attempt };
            const released = [await fast.release(lease.leaseId, reference, s.outcome), await slow.release(lease.leaseId, reference, s.outcome)];
            expect({ requeued: released[0]?.requeued, lease: fields(released[0] ? [released[0].lease] : []) }).toEqual({
              requeued: released[1]?.requeued,
              lease: fields(released[1] ? [released[1].lease] : []),
            });
          } else if (s.kind === 'sweep') {
            const outcomes = (released: readonly Released[]) => released.map((r) => ({ requeued: r.requeued, lease: fields([r.lease]) }));
            expect(outcomes(await fast.sweep(s.now))).toEqual(outcomes(await slow.sweep(s.now)));
          } else {
            const workerId = WORKERS[s.worker] ?? 'w-1';
            const named = s.named?.map((index) => (index % (issued.length + 1) === issued.length ? UNKNOWN_LEASE : (issued[index % (issued.length + 1)] ?? UNKNOWN_LEASE)));
            const expected = await renewOneByOne(slow, workerId, named, s.deadline);
            const actual = s.now ? fast.renewHeldNow(workerId, named, s.deadline) : await fast.renewHeld(workerId, named, s.deadline);
            expect({ renewed: fields(actual.renewed), lost: actual.lost }).toEqual({ renewed: fields(expected.renewed), lost: expected.lost });
          }
          for (const workerId of WORKERS) expect(fields(await fast.leasesOf(workerId))).toEqual(fields(await slow.leasesOf(workerId)));
          expect(await fast.counts()).toEqual(await slow.counts());
        }
        // The deadlines: both stores expire the same leases at every instant.
        for (let now = 0; now <= 101; now++) {
          const expired = (released: readonly Released[]) => released.map((r) => r.lease.leaseId);
          expect(expired(await fast.sweep(now))).toEqual(expired(await slow.sweep(now)));
        }
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 200) },
    );
  });
});

/** A store that can only answer with promises (as etcd): the dispatcher's asynchronous path. */
function promiseOnly(store: MemoryWorkStore): WorkStore {
  return {
    add: (...args) => store.add(...args),
    claim: (...args) => store.claim(...args),
    extend: (...args) => store.extend(...args),
    renewHeld: (...args) => store.renewHeld(...args),
    release: (...args) => store.release(...args),
    sweep: (...args) => store.sweep(...args),
    holderOf: (...args) => store.holderOf(...args),
    leasesOf: (...args) => store.leasesOf(...args),
    leaseCounts: () => store.leaseCounts(),
    counts: () => store.counts(),
    item: (...args) => store.item(...args),
  };
}

describe('the dispatcher\'s synchronous worker heartbeat', () => {
  const T0 = 1_795_512_600_000;

  async function dispatcher(store: (limits: typeof LIMITS) => WorkStore) {
    const clock = new ManualClock(T0);
    const module = await Test.createTestingModule({
      imports: [PeerHealthModule.forRoot({ clock, heartbeatGracePeriodMs: 60_000 }), ResourceLeaseModule.forRoot({ leaseDurationMs: 60_000, store })],
    }).compile();
    return { module, clock, queue: module.get(ResourceLeaseQueue), tracker: module.get(PeerLeaseHealthTracker) };
  }

  it('answers and records as the asynchronous one, and leaves a promise-only store to it', async () => {
    const sync = await dispatcher((limits) => new MemoryWorkStore(limits));
    const async = await dispatcher((limits) => promiseOnly(new MemoryWorkStore(limits)));
    try {
      const grants: string[] = [];
      for (const { queue } of [sync, async]) {
        for (let i = 0; i < 5; i++) await queue.enqueue({ resourceType: 'catalog', resourceId: `sku-${i}` });
      }
      for (const workerId of ['w-1', 'w-1', 'w-2', 'w-1', 'w-2']) {
        const granted = [await sync.queue.lease(workerId), await async.queue.lease(workerId)];
        expect(granted[0]?.sequenceId).toBe(granted[1]?.sequenceId);
        // Lease ids are random: the twins are asked about the same positions instead.
        grants.push(`${granted[0]?.leaseId ?? ''}|${granted[1]?.leaseId ?? ''}`);
      }
      expect(async.queue.workerHeartbeatNow('w-1')).toBeUndefined();
      const cases: Array<{ workerId: string; pendingCount?: number; named?: number[] }> = [
        { workerId: 'w-1' },
        { workerId: 'w-2', pendingCount: 4 },
        { workerId: 'w-3' },
        { workerId: 'w-1', named: [] },
        { workerId: 'w-1', named: [0, 0, 2, 3, 9], pendingCount: 1 },
      ];
      for (const c of cases) {
        const pick = (side: 0 | 1) => c.named?.map((index) => grants[index]?.split('|')[side] ?? '00000000-0000-4000-8000-00000000beef');
        sync.clock.advance(1000);
        async.clock.advance(1000);
        const now = sync.queue.workerHeartbeatNow(c.workerId, c.pendingCount, pick(0));
        const later = await async.queue.workerHeartbeat(c.workerId, c.pendingCount, pick(1));
        const lostPositions = (result: WorkerHeartbeatResult | undefined, side: 0 | 1) =>
          result?.lost.map((leaseId) => grants.findIndex((pair) => pair.split('|')[side] === leaseId));
        expect(now?.renewed).toBe(later.renewed);
        expect(lostPositions(now, 0)).toEqual(lostPositions(later, 1));
        const view = (tracker: PeerLeaseHealthTracker) =>
          tracker
            .snapshot()
            .map((peer) => ({ peerId: peer.peerId, leases: peer.activeLeases.length, healthy: peer.isHealthy, lastHeartbeat: peer.lastHeartbeat, metadata: peer.metadata }))
            .sort((a, b) => a.peerId.localeCompare(b.peerId));
        expect(view(sync.tracker)).toEqual(view(async.tracker));
      }
      // A refusal the tracker throws (a peer id it cannot take) comes out of both paths alike.
      const refusal = async (call: () => unknown): Promise<unknown> => {
        try {
          await call();
        } catch (error) {
          return error;
        }
        return undefined;
      };
      const refused = [await refusal(() => sync.queue.workerHeartbeatNow(' ')), await refusal(() => async.queue.workerHeartbeat(' '))];
      expect(refused[0]).toBeInstanceOf(Error);
      expect({ name: (refused[0] as Error).name, message: (refused[0] as Error).message }).toEqual({ name: (refused[1] as Error).name, message: (refused[1] as Error).message });
    } finally {
      await sync.module.close();
      await async.module.close();
    }
  });
});
