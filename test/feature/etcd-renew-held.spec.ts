import { Etcd3 } from 'etcd3';
import { EtcdWorkStore, MemoryWorkStore, type StoredLease, type WorkStore } from '@omnirelay/resource-lease';
import { startEtcdCluster, type EtcdCluster } from '../support/etcd-process';

// A worker heartbeat on etcd (EtcdWorkStore.renewHeld: one transaction over the worker's held-lease index)
// against the memory store's one-step renewal, on the same history: the same answers, and the new
// deadline written into every renewed lease key and no other.

const LIMITS = { maxQueuedItems: 100, completedRetention: 10, maxAttempts: 3 };
const PREFIX = '/renew-held-test/';
const LEASE = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const UNKNOWN = LEASE(999);

// The stores hand out pending items in different orders (etcd by key), so a lease is compared by its id, holder and attempt, and its item by what that store granted.
const fields = (leases: readonly StoredLease[]) => leases.map(({ leaseId, workerId, attempt }) => ({ leaseId, workerId, attempt }));

describe('renewing a worker\'s leases on etcd', () => {
  let etcd: EtcdCluster;
  let client: Etcd3;

  beforeAll(async () => {
    etcd = await startEtcdCluster({ size: 1 });
    client = new Etcd3({ hosts: etcd.endpoints.split(',') });
  }, 90_000);

  afterAll(async () => {
    client.close();
    await etcd.stop();
  }, 30_000);

  it('answers as the memory store does and moves exactly the renewed deadlines', async () => {
    const onEtcd = new EtcdWorkStore({ client, prefix: PREFIX, limits: LIMITS, sweepFence: () => undefined });
    const inMemory = new MemoryWorkStore(LIMITS);
    const stores: WorkStore[] = [onEtcd, inMemory];
    const granted = new Map<WorkStore, Map<string, number>>();
    for (const store of stores) {
      for (let i = 0; i < 6; i++) await store.add('catalog', `sku-${i}`, null);
      const holders = ['w-1', 'w-1', 'w-2', 'w-1', 'w-2'];
      const claimed = [];
      for (const [index, workerId] of holders.entries()) claimed.push(await store.claim(workerId, LEASE(index), 1_000));
      granted.set(store, new Map(claimed.map((item, index) => [LEASE(index), item?.sequenceId ?? -1])));
      await store.release(LEASE(1), { workerId: 'w-1', sequenceId: claimed[1]?.sequenceId ?? 0, attempt: 1 }, 'completed');
    }
    const cases: Array<{ workerId: string; named: string[] | undefined; deadline: number }> = [
      { workerId: 'w-1', named: undefined, deadline: 2_000 },
      { workerId: 'w-1', named: [LEASE(3), LEASE(3), LEASE(1), LEASE(2), UNKNOWN, LEASE(0)], deadline: 3_000 },
      { workerId: 'w-2', named: [], deadline: 4_000 },
      { workerId: 'w-3', named: undefined, deadline: 5_000 },
      { workerId: 'w-2', named: undefined, deadline: 6_000 },
    ];
    const deadlineOf = async (leaseId: string) => ((await client.get(`${PREFIX}work/deadlines/${leaseId}`).json()) as number | null) ?? undefined;
    const expected = new Map<string, number>([0, 2, 3, 4].map((n) => [LEASE(n), 1_000]));
    for (const c of cases) {
      const [etcdAnswer, memoryAnswer] = [await onEtcd.renewHeld(c.workerId, c.named, c.deadline), await inMemory.renewHeld(c.workerId, c.named, c.deadline)];
      expect({ renewed: fields(etcdAnswer.renewed), lost: etcdAnswer.lost }).toEqual({ renewed: fields(memoryAnswer.renewed), lost: memoryAnswer.lost });
      for (const [store, answer] of [[onEtcd, etcdAnswer], [inMemory, memoryAnswer]] as const) {
        for (const lease of answer.renewed) expect(lease.sequenceId).toBe(granted.get(store)?.get(lease.leaseId));
      }
      for (const lease of memoryAnswer.renewed) expected.set(lease.leaseId, c.deadline);
      for (const [leaseId, deadline] of expected) expect({ leaseId, deadline: await deadlineOf(leaseId) }).toEqual({ leaseId, deadline });
    }
    // The cases did renew and did refuse something: the comparison above is not of empty answers.
    expect([...expected.values()]).toEqual([3_000, 6_000, 3_000, 6_000]);
    expect(await deadlineOf(LEASE(1))).toBeUndefined();
  }, 60_000);
});
