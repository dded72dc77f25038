import { Etcd3 } from 'etcd3';
import { EtcdWorkStore } from '@omnirelay/resource-lease';
import { startEtcdCluster, type EtcdCluster } from '../support/etcd-process';

// A worker whose completion got no answer asks another dispatcher, while the first still works on it.
// Both dispatchers read the lease, both commit; one transaction applies. Each dispatcher logs the
// completions it committed, so exactly one of the two may call it its own (not `repeated`).

const LIMITS = { maxQueuedItems: 100, completedRetention: 100, maxAttempts: 3 };
const PREFIX = '/release-race-test/';
const ROUNDS = 20;
const LEASE = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('two dispatchers completing the same lease at once, on etcd', () => {
  let etcd: EtcdCluster;
  const clients: Etcd3[] = [];

  beforeAll(async () => {
    etcd = await startEtcdCluster({ size: 1 });
  }, 90_000);

  afterAll(async () => {
    for (const client of clients) client.close();
    await etcd.stop();
  }, 30_000);

  it('answers one of them as the committer and the other as a repeat, every time', async () => {
    const [first, second] = [0, 1].map(() => {
      const client = new Etcd3({ hosts: etcd.endpoints.split(',') });
      clients.push(client);
      return new EtcdWorkStore({ client, prefix: PREFIX, limits: LIMITS, sweepFence: () => undefined });
    });
    if (!first || !second) throw new Error('two stores expected');
    const committers: number[] = [];
    const references = [];
    for (let round = 0; round < ROUNDS; round++) {
      await first.add('job', `item-${round}`, null);
      const claimed = await first.claim('w-1', LEASE(round), Date.now() + 60_000);
      if (!claimed) throw new Error('nothing to claim');
      const reference = { workerId: 'w-1', sequenceId: claimed.sequenceId, attempt: claimed.attempt };
      references.push(reference);
      const answers = await Promise.all([first.release(LEASE(round), reference, 'completed'), second.release(LEASE(round), reference, 'completed')]);
      committers.push(answers.filter((answer) => answer.repeated !== true).length);
      expect(answers.map((answer) => answer.lease.sequenceId)).toEqual([claimed.sequenceId, claimed.sequenceId]);
    }
    expect(committers).toEqual(Array.from({ length: ROUNDS }, () => 1));
    expect(await first.counts()).toMatchObject({ completed: ROUNDS, leased: 0, pending: 0 });
    // A worker asking a third time, later, is a repeat wherever it asks.
    const [firstReference] = references;
    if (!firstReference) throw new Error('no reference kept');
    for (const store of [first, second]) expect(await store.release(LEASE(0), firstReference, 'completed')).toMatchObject({ repeated: true });
  }, 60_000);
});
