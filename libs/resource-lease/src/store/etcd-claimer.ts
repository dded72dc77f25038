import type { ComparatorBuilder, Etcd3, IKeyValue } from 'etcd3';
import { MAX_HOLDERS_PER_ITEM } from '../resource-lease.limits';
import { CallBatcher, type BatchedCall } from './call-batcher';
import { leaseValue, parseLease, PENDING_PARTITIONS, type EtcdItem, type EtcdWorkLayout } from './etcd-work.layout';
import type { ClaimedItem, StoredLease } from './work-store.interface';

/** A pending entry as read: its key, the revision the claim compares, and the item it carries. */
interface Candidate {
  readonly key: string;
  readonly modRevision: string;
  readonly item: EtcdItem;
}

/**
 * A lease request waiting for its batch; `conflicts` counts the candidates it lost to another
 * dispatcher, `tried` the candidates its transactions named (one of them may have committed unseen).
 */
interface ClaimRequest {
  readonly workerId: string;
  readonly leaseId: string;
  readonly deadline: number;
  conflicts: number;
  readonly tried: Candidate[];
}

type Claim = BatchedCall<ClaimRequest, ClaimedItem | undefined>;

/** Pending entries read per refill (requeued ones, and the head of one partition): the window claims pick from. */
const WINDOW = 64;
/** A window older than this is read again: other dispatchers have probably taken some of it. */
const WINDOW_MAX_AGE_MS = 250;
/** Claims per transaction: two comparisons and five writes each, within etcd's 128 operations. */
const CLAIM_BATCH = 20;
/** Batches in flight at once: a lease request waits for at most one batch before its own. */
const BATCHES_IN_FLIGHT = 2;
/**
 * A batch waits up to 2 ms for 4 requests beside a running one, or, with none running, for as many as
 * the last batch held (see CallBatcher): a dispatcher serving a few clients otherwise sends batches of
 * one or two, and etcd's and the dispatcher's CPU per lease (a gRPC call and a raft entry per batch) is
 * what limits the rate, most of all with several dispatchers on the same cores.
 */
const CLAIM_GATHER = { minBatch: 4, waitMs: 2 } as const;
/** Candidates one request may lose to other dispatchers before it gives up (as a store failure). */
const MAX_CONFLICTS = 25;

/**
 * Leases pending items without a race at the queue's head. New pending entries are spread over
 * PENDING_PARTITIONS partitions; the claimer reads the requeued entries and the head of one partition
 * taken at random in one refill (shared by every claim waiting for it), so dispatchers mostly read
 * different entries, and each claim takes one of the window at random that no other claim of this
 * process is trying: claims of one process never collide, and dispatchers rarely do. A pending entry
 * carries the item as it was written, in the same transaction as `items/<seq>`, so both have the same
 * mod revision and a claim compares them with no read of the item.
 *
 * Lease requests arriving together share one transaction (see CallBatcher): it compares every
 * candidate and writes every lease, or, when another dispatcher took one of them, reads the batch's
 * pending entries instead; the requests whose entry is still there run again in the next batch with
 * it, the others with a new candidate. One etcd round trip per batch, plus a range read per window.
 * Requeued entries are in every window, so they are offered first.
 */
export class EtcdClaimer {
  private candidates: Candidate[] = [];
  private readAt = 0;
  private readonly trying = new Set<string>();
  private refilling: Promise<void> | undefined;
  private readonly batcher = new CallBatcher<ClaimRequest, ClaimedItem | undefined>({
    maxBatch: CLAIM_BATCH,
    inFlight: BATCHES_IN_FLIGHT,
    gather: CLAIM_GATHER,
    run: (batch) => this.claimBatch(batch),
  });

  constructor(
    private readonly client: Etcd3,
    private readonly layout: EtcdWorkLayout,
  ) {}

  claim(workerId: string, leaseId: string, deadline: number): Promise<ClaimedItem | undefined> {
    return this.batcher.submit({ workerId, leaseId, deadline, conflicts: 0, tried: [] });
  }

  /** Forgets the window (after a requeue: the requeued item should be offered first). */
  invalidate(): void {
    this.candidates = [];
  }

  private async claimBatch(batch: readonly Claim[]): Promise<Claim[]> {
    const picked: Array<{ readonly call: Claim; readonly candidate: Candidate }> = [];
    try {
      let dry = false;
      for (const call of batch) {
        // Once nothing is pending, the rest of the batch is answered without reading again.
        const candidate = dry ? undefined : await this.next();
        if (candidate === undefined) {
          dry = true;
          call.resolve(undefined);
          continue;
        }
        this.trying.add(candidate.key);
        picked.push({ call, candidate });
      }
      if (picked.length === 0) return [];
      const leased = picked.map(({ call, candidate }) => this.leasedItem(candidate.item, call.input.workerId));
      const [first, ...rest] = picked;
      if (first === undefined) return [];
      let guard = this.compare(this.client.if(first.candidate.key, 'Mod', '==', first.candidate.modRevision), first);
      for (const one of rest) guard = this.compare(guard.and(one.candidate.key, 'Mod', '==', one.candidate.modRevision), one);
      for (const { call, candidate } of picked) call.input.tried.push(candidate);
      const done = await guard
        .then(...picked.flatMap(({ call, candidate }, i) => this.writes(call.input, candidate, leased[i] ?? candidate.item)))
        .else(...picked.map(({ candidate }) => this.client.get(candidate.key)), ...picked.map(({ call }) => this.client.get(this.layout.lease(call.input.leaseId))))
        .commit();
      if (done.succeeded) {
        picked.forEach(({ call }, i) => {
          const item = leased[i];
          if (item !== undefined) call.resolve(this.claimed(item, call.input.leaseId));
        });
        return [];
      }
      const again: Claim[] = [];
      picked.forEach(({ call, candidate }, i) => {
        const kv = done.responses[i]?.response_range.kvs[0];
        const own = done.responses[picked.length + i]?.response_range.kvs[0];
        // Still pending as read: another entry of the batch spoiled it; this one is offered again.
        if (kv !== undefined && kv.mod_revision === candidate.modRevision) this.candidates.push(candidate);
        if (own !== undefined) this.settleCommitted(call, parseLease(own));
        else if (kv === undefined || kv.mod_revision !== candidate.modRevision) {
          if (++call.input.conflicts >= MAX_CONFLICTS) call.reject(new Error('lease lost too many races with other dispatchers'));
          else again.push(call);
        } else again.push(call);
      });
      return again;
    } finally {
      for (const { candidate } of picked) this.trying.delete(candidate.key);
    }
  }

  /** Adds the comparisons of one claim: its item at the entry's revision, and its lease id unused. */
  private compare(guard: ComparatorBuilder, { call, candidate }: { readonly call: Claim; readonly candidate: Candidate }): ComparatorBuilder {
    return guard.and(this.layout.item(candidate.item.sequenceId), 'Mod', '==', candidate.modRevision).and(this.layout.lease(call.input.leaseId), 'Create', '==', 0);
  }

  /**
   * The request's lease exists: an earlier transaction of it committed though its answer was lost (the
   * client retried it, or etcd answered with an error during an election). That claim stands: the
   * request is answered with it, instead of claiming a second item under the same lease id (which
   * would leave the first one leased with no lease).
   */
  private settleCommitted(call: Claim, lease: StoredLease): void {
    const candidate = call.input.tried.find((tried) => tried.item.sequenceId === lease.sequenceId && tried.item.attempt === lease.attempt);
    if (lease.workerId !== call.input.workerId || candidate === undefined) {
      call.reject(new Error(`lease ${call.input.leaseId} exists for item ${lease.sequenceId}, which this request never tried`));
      return;
    }
    call.resolve(this.claimed(this.leasedItem(candidate.item, call.input.workerId), call.input.leaseId));
  }

  private leasedItem(item: EtcdItem, workerId: string): EtcdItem {
    const holders = [...item.holders, workerId].slice(-MAX_HOLDERS_PER_ITEM);
    return { ...item, state: 'leased', leasedBy: workerId, holders };
  }

  /** Deletes the pending entry, marks the item leased, writes the lease, its deadline and the worker's index. */
  private writes({ workerId, leaseId, deadline }: ClaimRequest, candidate: Candidate, leased: EtcdItem) {
    const lease: StoredLease = { leaseId, workerId, sequenceId: leased.sequenceId, attempt: leased.attempt };
    return [
      this.client.delete().key(candidate.key),
      this.client.put(this.layout.item(leased.sequenceId)).value(JSON.stringify(leased)),
      this.client.put(this.layout.lease(leaseId)).value(leaseValue(lease)),
      this.client.put(this.layout.deadline(leaseId)).value(String(deadline)),
      this.client.put(this.layout.held(workerId, leaseId)).value(leaseValue(lease)),
    ];
  }

  private claimed(leased: EtcdItem, leaseId: string): ClaimedItem {
    const { sequenceId, attempt, resourceType, resourceId, payload } = leased;
    return { sequenceId, attempt, leaseId, resourceType, resourceId, payload };
  }

  private async next(): Promise<Candidate | undefined> {
    if (this.candidates.length === 0 || performance.now() - this.readAt > WINDOW_MAX_AGE_MS) await this.refill();
    // Taken at random, so that dispatchers reading the same window rarely pick the same entry.
    const index = Math.floor(Math.random() * this.candidates.length);
    const candidate = this.candidates[index];
    if (candidate === undefined) return undefined;
    const last = this.candidates.pop();
    if (last !== undefined && index < this.candidates.length) this.candidates[index] = last;
    return candidate;
  }

  /**
   * Reads the requeued entries and the head of a partition taken at random; when both are empty, the
   * head of all pending entries (the other partitions may still hold some).
   */
  private refill(): Promise<void> {
    this.refilling ??= (async () => {
      try {
        const partition = Math.floor(Math.random() * PENDING_PARTITIONS);
        const [requeued, fresh] = await Promise.all([this.head(this.layout.requeuedPendingPrefix()), this.head(this.layout.newPendingPartition(partition))]);
        let kvs = [...requeued, ...fresh];
        if (kvs.length === 0) kvs = await this.head(this.layout.under('pending/'));
        this.candidates = kvs.flatMap((kv) => {
          const candidate = this.candidateOf(kv);
          return candidate === undefined || this.trying.has(candidate.key) ? [] : [candidate];
        });
        this.readAt = performance.now();
      } finally {
        this.refilling = undefined;
      }
    })();
    return this.refilling;
  }

  private async head(prefix: string): Promise<IKeyValue[]> {
    return (await this.client.getAll().prefix(prefix).sort('Key', 'Ascend').limit(WINDOW).exec()).kvs;
  }

  private candidateOf(kv: IKeyValue): Candidate | undefined {
    const value: unknown = JSON.parse(kv.value.toString());
    if (typeof value !== 'object' || value === null) return undefined;
    return { key: kv.key.toString(), modRevision: kv.mod_revision, item: value as EtcdItem };
  }
}
