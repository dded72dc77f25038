import type { Etcd3 } from 'etcd3';
import type { LeaseReference } from '../interfaces/resource-lease.interfaces';
import { LeaseRequestError } from '../errors/lease-request.error';
import { CallBatcher, type BatchedCall } from './call-batcher';
import { chunks, leaseValue, parseLease, TXN_OPS, type EtcdWorkLayout } from './etcd-work.layout';
import type { HeldLeaseRenewal, StoredLease } from './work-store.interface';

/** A heartbeat waiting for its batch; `rounds` counts the batches it ran again after another spoiled them. */
interface Heartbeat {
  readonly lease: StoredLease;
  readonly value: string;
  readonly deadline: number;
  rounds: number;
}

/** Heartbeats per transaction (one comparison and one write each, within etcd's 128 operations). */
const HEARTBEAT_BATCH = 100;
/** Batches in flight at once: a heartbeat waits for at most one batch before its own. */
const BATCHES_IN_FLIGHT = 2;
/** A batch waits up to 2 ms for 8 heartbeats beside a running one, or with none running for as many as the last held (see CallBatcher and CLAIM_GATHER). */
const HEARTBEAT_GATHER = { minBatch: 8, waitMs: 2 } as const;
/** Batches a heartbeat may run again because another one of them failed before it gives up (as a store failure). */
const MAX_ROUNDS = 25;

/**
 * Heartbeats on etcd at the cost of at most one round trip. A lease's value never changes while it
 * lives (its deadline is a key of its own), so a heartbeat is a comparison of the value the worker's
 * reference implies (`Value ==`) and a write of the deadline; on a mismatch the same transaction reads
 * the lease, which tells 404 from 409. Heartbeats arriving together share one transaction (see
 * CallBatcher): N heartbeats cost one etcd call, and the CPU per heartbeat (the dispatcher's and
 * etcd's, which share the machine) falls. A worker's heartbeat renews the leases it names in one
 * transaction comparing that each `held/<worker>/<lease>` key exists (it does exactly while the
 * worker holds the lease), reading the worker's leases in the same transaction.
 */
export class EtcdLeaseRenewal {
  private readonly heartbeats = new CallBatcher<Heartbeat, StoredLease>({
    maxBatch: HEARTBEAT_BATCH,
    inFlight: BATCHES_IN_FLIGHT,
    gather: HEARTBEAT_GATHER,
    run: (batch) => this.extendBatch(batch),
  });

  constructor(
    private readonly client: Etcd3,
    private readonly layout: EtcdWorkLayout,
  ) {}

  /** One heartbeat: batched with the heartbeats that arrive while earlier batches are in flight. */
  extend(leaseId: string, reference: LeaseReference, deadline: number): Promise<StoredLease> {
    const lease: StoredLease = { leaseId, workerId: reference.workerId, sequenceId: reference.sequenceId, attempt: reference.attempt };
    return this.heartbeats.submit({ lease, value: leaseValue(lease), deadline, rounds: 0 });
  }

  /**
   * Heartbeats in one transaction: if every lease has the value its heartbeat implies, every deadline
   * is written; else the same transaction reads the leases, and each heartbeat is answered 404 (gone)
   * or 409 (held otherwise) or, when its own lease matched and another one spoiled the batch, runs
   * again in the next batch. A lease named twice in a batch runs its second heartbeat in the next.
   */
  private async extendBatch(batch: ReadonlyArray<BatchedCall<Heartbeat, StoredLease>>): Promise<Array<BatchedCall<Heartbeat, StoredLease>>> {
    const again: Array<BatchedCall<Heartbeat, StoredLease>> = [];
    const calls: Array<BatchedCall<Heartbeat, StoredLease>> = [];
    const named = new Set<string>();
    for (const call of batch) {
      if (named.has(call.input.lease.leaseId)) again.push(call);
      else {
        named.add(call.input.lease.leaseId);
        calls.push(call);
      }
    }
    const [first, ...rest] = calls;
    if (first === undefined) return again;
    let guard = this.client.if(this.layout.lease(first.input.lease.leaseId), 'Value', '==', first.input.value);
    for (const { input } of rest) guard = guard.and(this.layout.lease(input.lease.leaseId), 'Value', '==', input.value);
    const done = await guard
      .then(...calls.map(({ input }) => this.client.put(this.layout.deadline(input.lease.leaseId)).value(String(input.deadline))))
      .else(...calls.map(({ input }) => this.client.get(this.layout.lease(input.lease.leaseId))))
      .commit();
    calls.forEach((call, i) => {
      const { lease, value } = call.input;
      if (done.succeeded) {
        call.resolve(lease);
        return;
      }
      const kv = done.responses[i]?.response_range.kvs[0];
      if (kv === undefined) call.reject(new LeaseRequestError(404, 'unknown-lease', `no active lease ${lease.leaseId}`));
      else if (kv.value.toString() !== value) {
        const { workerId, sequenceId, attempt } = parseLease(kv);
        call.reject(new LeaseRequestError(409, 'lease-mismatch', `lease ${lease.leaseId} is held by ${workerId} for item ${sequenceId} attempt ${attempt}`));
      } else if (++call.input.rounds < MAX_ROUNDS) {
        // Another heartbeat of the batch failed its comparison; this one did not and runs again.
        again.push(call);
      } else call.reject(new Error('heartbeat lost too many batches to other heartbeats'));
    });
    return again;
  }

  async renewHeld(workerId: string, leaseIds: readonly string[] | undefined, deadline: number): Promise<HeldLeaseRenewal> {
    if (leaseIds === undefined) return this.renewAll(await this.heldBy(workerId), [], deadline);
    const named = [...new Set(leaseIds)];
    if (named.length === 0) return { renewed: [], lost: [] };
    if (named.length <= TXN_OPS - 1) {
      // The usual case, the worker holds every lease it names: one transaction renews them all.
      const held = this.layout.held(workerId);
      let guard = this.client.if(this.layout.held(workerId, named[0]), 'Create', '>', 0);
      for (const leaseId of named.slice(1)) guard = guard.and(this.layout.held(workerId, leaseId), 'Create', '>', 0);
      const done = await guard
        .then(...named.map((leaseId) => this.client.put(this.layout.deadline(leaseId)).value(String(deadline))), this.client.getAll().prefix(held))
        .else(this.client.getAll().prefix(held))
        .commit();
      const kvs = done.responses[done.succeeded ? named.length : 0]?.response_range.kvs ?? [];
      const byId = new Map(kvs.map((kv) => parseLease(kv)).map((lease) => [lease.leaseId, lease]));
      const wanted = named.flatMap((leaseId) => byId.get(leaseId) ?? []);
      const lost = named.filter((leaseId) => !byId.has(leaseId));
      return done.succeeded ? { renewed: wanted, lost } : this.renewAll(wanted, lost, deadline);
    }
    const byId = new Map((await this.heldBy(workerId)).map((lease) => [lease.leaseId, lease]));
    return this.renewAll(
      named.flatMap((leaseId) => byId.get(leaseId) ?? []),
      named.filter((leaseId) => !byId.has(leaseId)),
      deadline,
    );
  }

  /** The leases `workerId` holds, from its index. */
  async heldBy(workerId: string): Promise<StoredLease[]> {
    const answer = await this.client.getAll().prefix(this.layout.held(workerId)).exec();
    return answer.kvs.map((kv) => parseLease(kv));
  }

  /**
   * Renews `leases` (read as held a moment ago) in transactions of up to TXN_OPS; when a lease ended in
   * between, its transaction fails and its leases are renewed one by one: the ended one is `lost`.
   */
  private async renewAll(leases: readonly StoredLease[], lost: readonly string[], deadline: number): Promise<HeldLeaseRenewal> {
    const renewed: StoredLease[] = [];
    const gone = [...lost];
    for (const chunk of chunks(leases, TXN_OPS)) {
      if (await this.renewIfHeld(chunk, deadline)) {
        renewed.push(...chunk);
        continue;
      }
      for (const lease of chunk) {
        if (await this.renewIfHeld([lease], deadline)) renewed.push(lease);
        else gone.push(lease.leaseId);
      }
    }
    return { renewed, lost: gone };
  }

  private async renewIfHeld(leases: readonly StoredLease[], deadline: number): Promise<boolean> {
    const [first, ...rest] = leases;
    if (first === undefined) return true;
    let guard = this.client.if(this.layout.held(first.workerId, first.leaseId), 'Create', '>', 0);
    for (const lease of rest) guard = guard.and(this.layout.held(lease.workerId, lease.leaseId), 'Create', '>', 0);
    const done = await guard.then(...leases.map((lease) => this.client.put(this.layout.deadline(lease.leaseId)).value(String(deadline)))).commit();
    return done.succeeded;
  }
}
