import { randomUUID } from 'node:crypto';
import type { DeleteBuilder, Etcd3, IKeyValue, PutBuilder } from 'etcd3';
import type { LeaseReference, WorkItemState, WorkItemView } from '../interfaces/resource-lease.interfaces';
import { LeaseRequestError } from '../errors/lease-request.error';
import { EtcdClaimer } from './etcd-claimer';
import { EtcdLeaseRenewal } from './etcd-lease-renewal';
import { retryTransient } from './etcd-retry';
import { EtcdWorkLayout, leaseValue, pad, parseLease, type EtcdItem, type IncomingItem, type Versioned } from './etcd-work.layout';
import { RECENT_DEAD_LETTERS } from './recent-dead-letters';
import { isCompletion, isRequeued } from './release-outcome';
import type { ClaimedItem, HeldLeaseRenewal, Released, StoredLease, WorkCounts, WorkStore, WorkStoreLimits } from './work-store.interface';

/** The leadership key and term a sweep must still hold: every sweep transaction compares it. */
export interface SweepFence {
  readonly key: string;
  readonly term: number;
}

export interface EtcdWorkStoreOptions {
  /** A connected client; the store does not close it. */
  readonly client: Etcd3;
  /** Key prefix, e.g. `/omnirelay/`; work lives under `<prefix>work/`. */
  readonly prefix: string;
  readonly limits: WorkStoreLimits;
  /** The fence of the `dispatch` scope while this process leads it; undefined: another process sweeps. */
  readonly sweepFence: () => SweepFence | undefined;
}

const isRefusal = (error: unknown): boolean => error instanceof LeaseRequestError;

/** Attempts of a release that lost a race to another dispatcher before it gives up (as a store failure). */
const MAX_CONFLICTS = 25;
/** Failed commits of one release (etcd electing a leader) before it answers 503. */
const MAX_COMMIT_FAILURES = 3;
/** How long a release whose commit failed keeps asking etcd whether it applied, before it answers 503. */
const UNKNOWN_OUTCOME_PATIENCE_MS = 30_000;
/** The unfinished count an enqueue checks is at most this old (plus this process's enqueues since). */
const COUNT_REUSE_MS = 100;
/** Finished items forgotten per transaction (two operations each, within etcd's 128 per transaction). */
const FORGET_BATCH = 50;

/**
 * The dispatcher's items in etcd, shared by every dispatcher process. Layout under `<prefix>work/`:
 * `incoming/<uuid>` (an item being enqueued; its create revision is its sequence id), `items/<seq>`
 * (JSON), `pending/<order>` (the item's JSON again; requeued items sort first), `leases/<leaseId>`
 * (holder, sequence id, attempt: never changes), `deadlines/<leaseId>`, `held/<worker>/<leaseId>`
 * (the worker's index), `finished/<seq>` (within the retention) and `count/completed|dead-letter/<seq>`
 * (empty markers, counted). Every change is one transaction comparing what it read (or, for a
 * heartbeat, the value the worker's reference implies), so an item is leased to one worker at a time
 * and a stale attempt can never complete or fail it.
 */
export class EtcdWorkStore implements WorkStore {
  private readonly client: Etcd3;
  private readonly layout: EtcdWorkLayout;
  private readonly limits: WorkStoreLimits;
  private readonly claimer: EtcdClaimer;
  private readonly renewal: EtcdLeaseRenewal;
  /** Incoming keys the last sweep saw: still there at the next one, their enqueuer died between its two steps. */
  private incomingSeen = new Set<string>();
  /** The last unfinished count read (when), and the enqueues this process made since. */
  private counted: { readonly at: number; readonly unfinished: number } | undefined;
  private addedSinceCount = 0;
  private counting: Promise<number> | undefined;

  constructor(private readonly options: EtcdWorkStoreOptions) {
    this.client = options.client;
    this.layout = new EtcdWorkLayout(options.prefix);
    this.limits = options.limits;
    this.claimer = new EtcdClaimer(this.client, this.layout);
    this.renewal = new EtcdLeaseRenewal(this.client, this.layout);
  }

  /**
   * Two transactions and no shared key: the item is written under a fresh `incoming/<uuid>` key, whose
   * create revision (etcd's own counter) is its sequence id; then it becomes `items/<seq>` and a pending
   * entry. The limit is checked against a count at most COUNT_REUSE_MS old plus this process's enqueues
   * since, read alongside the first write (counting every key on every enqueue would cost more than the
   * enqueue): dispatchers enqueueing at once can overshoot it by what the others enqueued in that time.
   */
  async add(resourceType: string, resourceId: string, payload: unknown): Promise<number> {
    const key = this.layout.under(`incoming/${randomUUID()}`);
    const incoming: IncomingItem = { resourceType, resourceId, payload };
    // Created only if absent, so that a retry after an answer lost in an etcd election finds the first write.
    const write = () =>
      this.client.if(key, 'Create', '==', 0).then(this.client.put(key).value(JSON.stringify(incoming))).else(this.client.get(key)).commit();
    const [unfinished, written] = await Promise.all([retryTransient(() => this.unfinished(), isRefusal), retryTransient(write, isRefusal)]);
    const sequenceId = Number(written.succeeded ? written.header.revision : written.responses[0]?.response_range.kvs[0]?.create_revision);
    this.addedSinceCount++;
    if (unfinished >= this.limits.maxQueuedItems) {
      this.addedSinceCount--;
      await this.client.if(key, 'Create', '==', sequenceId).then(this.client.delete().key(key)).commit();
      throw new LeaseRequestError(429, 'queue-full', `the queue holds ${this.limits.maxQueuedItems} unfinished items; try again later`);
    }
    // Lost only to a sweeper that promoted it already: the item is pending either way.
    await retryTransient(() => this.promote(key, sequenceId, incoming), isRefusal);
    return sequenceId;
  }

  claim(workerId: string, leaseId: string, deadline: number): Promise<ClaimedItem | undefined> {
    return this.claimer.claim(workerId, leaseId, deadline);
  }

  extend(leaseId: string, reference: LeaseReference, deadline: number): Promise<StoredLease> {
    return this.renewal.extend(leaseId, reference, deadline);
  }

  renewHeld(workerId: string, leaseIds: readonly string[] | undefined, deadline: number): Promise<HeldLeaseRenewal> {
    return this.renewal.renewHeld(workerId, leaseIds, deadline);
  }

  /**
   * Reads the lease and the item together, then ends the lease in one transaction comparing both. An
   * etcd failure mid-way (an election) is ridden out: reads are retried, and a commit whose answer was
   * lost is found out by reading again: the lease is gone and the item completed by this worker at
   * this attempt, with this call's completion id. The same reading tells a worker's repeated
   * completion (its earlier call committed here or at another dispatcher, the answer never reached
   * it; another completion id): `repeated`, nothing changes.
   */
  async release(leaseId: string, reference: LeaseReference, outcome: 'completed' | 'failed'): Promise<Released> {
    const completionId = randomUUID();
    let failures = 0;
    for (let attempt = 0; attempt < MAX_CONFLICTS; attempt++) {
      // After a commit whose outcome is unknown, etcd is asked for longer: what this process records
      // (the tracker, the completion log) must follow what etcd holds, even across an etcd restart.
      const [leaseKv, item] = await retryTransient(
        () => Promise.all([this.client.get(this.layout.lease(leaseId)).exec(), this.read<EtcdItem>(this.layout.item(reference.sequenceId))]),
        isRefusal,
        failures > 0 ? UNKNOWN_OUTCOME_PATIENCE_MS : undefined,
      );
      const kv = leaseKv.kvs[0];
      if (kv === undefined && outcome === 'completed' && isCompletion(item?.value, reference)) {
        const { workerId, sequenceId } = reference;
        // Ours only when this call's commit applied: a retry of the worker's, served by another
        // dispatcher while this one waited on etcd, is a repeat here (its process logged it).
        const repeated = item?.value.completionId !== completionId;
        return { lease: { leaseId, workerId, sequenceId, attempt: reference.attempt }, requeued: false, repeated };
      }
      const lease = this.checkHeld(kv, leaseId, reference);
      if (!item) throw new Error(`work item ${lease.sequenceId} of lease ${leaseId} is missing from etcd`);
      try {
        const released = await this.end(lease, item, outcome, { completedBy: reference.workerId, completionId }, []);
        if (released) return released;
      } catch (error) {
        if (isRefusal(error) || ++failures >= MAX_COMMIT_FAILURES) throw error;
      }
    }
    throw new Error('release lost too many races with other dispatchers');
  }

  async sweep(now: number): Promise<readonly Released[] | undefined> {
    const fence = this.options.sweepFence();
    if (fence === undefined) return undefined;
    await this.promoteAbandoned(fence);
    const released: Released[] = [];
    const deadlines = await this.client.getAll().prefix(this.layout.under('deadlines/')).exec();
    for (const kv of deadlines.kvs) {
      if (Number(kv.value.toString()) > now) continue;
      const key = kv.key.toString();
      const leaseKv = (await this.client.get(this.layout.lease(key.slice(key.lastIndexOf('/') + 1))).exec()).kvs[0];
      if (leaseKv === undefined) continue;
      const lease = parseLease(leaseKv);
      const item = await this.read<EtcdItem>(this.layout.item(lease.sequenceId));
      if (!item) continue;
      // A lost race (the worker heart-beat or finished just now) leaves the lease alone until the next sweep.
      const expired = await this.end(lease, item, 'failed', {}, [
        [key, 'Mod', kv.mod_revision],
        [fence.key, 'Create', String(fence.term)],
      ]);
      if (expired) released.push(expired);
    }
    await this.forgetBeyondRetention(fence);
    return released;
  }

  async holderOf(leaseId: string): Promise<string | undefined> {
    const kv = (await this.client.get(this.layout.lease(leaseId)).exec()).kvs[0];
    return kv === undefined ? undefined : parseLease(kv).workerId;
  }

  leasesOf(workerId: string): Promise<readonly StoredLease[]> {
    return this.renewal.heldBy(workerId);
  }

  async leaseCounts(): Promise<ReadonlyMap<string, number>> {
    const counts = new Map<string, number>();
    const under = this.layout.under('held/');
    for (const key of await this.client.getAll().prefix(under).keys()) {
      const workerId = key.slice(under.length, key.lastIndexOf('/'));
      counts.set(workerId, (counts.get(workerId) ?? 0) + 1);
    }
    return counts;
  }

  async counts(): Promise<WorkCounts> {
    const [pending, incoming, leased, completed, deadLettered, recent] = await Promise.all([
      this.count('pending/'),
      this.count('incoming/'),
      this.count('leases/'),
      this.count('count/completed/'),
      this.count('count/dead-letter/'),
      this.client.getAll().prefix(this.layout.under('count/dead-letter/')).sort('Key', 'Descend').limit(RECENT_DEAD_LETTERS).keys(),
    ]);
    const recentDeadLetters = recent.map((key) => Number(key.slice(key.lastIndexOf('/') + 1))).reverse();
    const waiting = pending + incoming;
    return { total: waiting + leased + completed + deadLettered, pending: waiting, leased, completed, deadLettered, recentDeadLetters };
  }

  async item(sequenceId: number): Promise<WorkItemView | undefined> {
    const item = (await this.read<EtcdItem>(this.layout.item(sequenceId)))?.value;
    if (item === undefined) return undefined;
    return {
      sequenceId: item.sequenceId,
      resourceType: item.resourceType,
      resourceId: item.resourceId,
      state: item.state,
      attempt: item.attempt,
      leasedBy: item.state === 'leased' ? item.leasedBy : undefined,
      completedBy: item.completedBy,
      holders: [...item.holders],
    };
  }

  /** Unfinished items (pending, incoming, leased) as last counted, plus this process's enqueues since. */
  private async unfinished(): Promise<number> {
    const counted = this.counted;
    if (counted !== undefined && performance.now() - counted.at < COUNT_REUSE_MS) return counted.unfinished + this.addedSinceCount;
    this.counting ??= (async () => {
      try {
        const at = performance.now();
        const added = this.addedSinceCount;
        const [pending, incoming, leased] = await Promise.all([this.count('pending/'), this.count('incoming/'), this.count('leases/')]);
        // Enqueues that finished while counting may or may not be in the count: kept as not (the safe side).
        this.addedSinceCount -= added;
        this.counted = { at, unfinished: pending + incoming + leased };
        return this.counted.unfinished;
      } finally {
        this.counting = undefined;
      }
    })();
    return (await this.counting) + this.addedSinceCount;
  }

  /** `incoming/<key>` becomes `items/<seq>` and its pending entry, written together: they share a mod revision, which a claim compares. */
  private async promote(key: string, sequenceId: number, incoming: IncomingItem, fence?: { key: string; term: number }): Promise<void> {
    const item: EtcdItem = { sequenceId, ...incoming, attempt: 1, state: 'pending', holders: [] };
    const value = JSON.stringify(item);
    let guard = this.client.if(key, 'Create', '==', sequenceId);
    if (fence) guard = guard.and(fence.key, 'Create', '==', fence.term);
    await guard
      .then(this.client.delete().key(key), this.client.put(this.layout.item(sequenceId)).value(value), this.client.put(this.layout.newPending(sequenceId)).value(value))
      .commit();
  }

  /** Promotes incoming items seen by the previous sweep too: their enqueuer died between its two steps. */
  private async promoteAbandoned(fence: SweepFence): Promise<void> {
    const answer = await this.client.getAll().prefix(this.layout.under('incoming/')).exec();
    const seen = new Set<string>();
    for (const kv of answer.kvs) {
      const key = kv.key.toString();
      seen.add(key);
      if (!this.incomingSeen.has(key)) continue;
      await this.promote(key, Number(kv.create_revision), JSON.parse(kv.value.toString()) as IncomingItem, fence);
    }
    this.incomingSeen = seen;
  }

  private async count(under: string): Promise<number> {
    return this.client.getAll().prefix(this.layout.under(under)).count();
  }

  private async read<T>(key: string): Promise<Versioned<T> | undefined> {
    const answer = await this.client.get(key).exec();
    const kv: IKeyValue | undefined = answer.kvs[0];
    return kv === undefined ? undefined : { key, value: JSON.parse(kv.value.toString()) as T, modRevision: kv.mod_revision };
  }

  /** The lease `kv` holds, when it is the one `reference` names: 404 when it is gone, 409 when held otherwise. */
  private checkHeld(kv: IKeyValue | undefined, leaseId: string, reference: LeaseReference): StoredLease {
    if (!kv) throw new LeaseRequestError(404, 'unknown-lease', `no active lease ${leaseId}`);
    const lease = parseLease(kv);
    const { workerId, sequenceId, attempt } = lease;
    if (workerId !== reference.workerId || sequenceId !== reference.sequenceId || attempt !== reference.attempt) {
      throw new LeaseRequestError(409, 'lease-mismatch', `lease ${leaseId} is held by ${workerId} for item ${sequenceId} attempt ${attempt}`);
    }
    return lease;
  }

  /**
   * Ends `lease` in one transaction comparing the lease's value, the item's revision and `also` (the
   * deadline and the fence, for a sweep): completed, or requeued with the next attempt, or
   * dead-lettered. Undefined when a race was lost.
   */
  private async end(
    lease: StoredLease,
    item: Versioned<EtcdItem>,
    outcome: 'completed' | 'failed',
    completion: { readonly completedBy?: string; readonly completionId?: string },
    also: ReadonlyArray<readonly [key: string, column: 'Mod' | 'Create', revision: string]>,
  ): Promise<Released | undefined> {
    const requeued = outcome === 'failed' && isRequeued(item.value.attempt, this.limits.maxAttempts);
    const seq = pad(item.value.sequenceId);
    const writes: Array<PutBuilder | DeleteBuilder> = [
      this.client.delete().key(this.layout.lease(lease.leaseId)),
      this.client.delete().key(this.layout.deadline(lease.leaseId)),
      this.client.delete().key(this.layout.held(lease.workerId, lease.leaseId)),
    ];
    if (requeued) {
      const next: EtcdItem = { ...item.value, state: 'pending', attempt: item.value.attempt + 1 };
      const value = JSON.stringify(next);
      writes.push(this.client.put(item.key).value(value), this.client.put(this.layout.requeuedPending(next.sequenceId, Date.now())).value(value));
    } else {
      const state: WorkItemState = outcome === 'completed' ? 'completed' : 'dead-letter';
      const finished: EtcdItem = { ...item.value, state, payload: null, ...(state === 'completed' ? completion : {}) };
      writes.push(
        this.client.put(item.key).value(JSON.stringify(finished)),
        this.client.put(this.layout.under(`finished/${seq}`)).value(state),
        this.client.put(this.layout.under(`count/${state}/${seq}`)).value(''),
      );
    }
    let guard = this.client.if(this.layout.lease(lease.leaseId), 'Value', '==', leaseValue(lease)).and(item.key, 'Mod', '==', item.modRevision);
    for (const [key, column, revision] of also) guard = guard.and(key, column, '==', revision);
    const done = await guard.then(...writes).commit();
    if (!done.succeeded) return undefined;
    // The requeued item sorts first: this process offers it next instead of after its current window.
    if (requeued) this.claimer.invalidate();
    return { lease, requeued };
  }

  /** Forgets the oldest finished items beyond the retention (their count markers stay). */
  private async forgetBeyondRetention(fence: SweepFence): Promise<void> {
    const finished = await this.count('finished/');
    const excess = Math.min(FORGET_BATCH, finished - this.limits.completedRetention);
    if (excess <= 0) return;
    const keys = await this.client.getAll().prefix(this.layout.under('finished/')).sort('Key', 'Ascend').limit(excess).keys();
    const deletes = keys.flatMap((key) => {
      const seq = key.slice(key.lastIndexOf('/') + 1);
      return [this.client.delete().key(key), this.client.delete().key(this.layout.under(`items/${seq}`))];
    });
    await this.client.if(fence.key, 'Create', '==', fence.term).then(...deletes).commit();
  }
}
