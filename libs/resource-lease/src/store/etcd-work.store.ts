import type { DeleteBuilder, Etcd3, IKeyValue, PutBuilder } from 'etcd3';
import type { LeaseReference, WorkItemState, WorkItemView } from '../interfaces/resource-lease.interfaces';
import { LeaseRequestError } from '../lease-request.error';
import { MAX_HOLDERS_PER_ITEM } from '../resource-lease.constants';
import { RECENT_DEAD_LETTERS } from './recent-dead-letters';
import { isRequeued } from './release-outcome';
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

interface EtcdItem {
  readonly sequenceId: number;
  readonly resourceType: string;
  readonly resourceId: string;
  readonly payload: unknown;
  readonly attempt: number;
  readonly state: WorkItemState;
  readonly leasedBy?: string;
  readonly completedBy?: string;
  readonly holders: readonly string[];
}

interface EtcdLease extends StoredLease {
  readonly deadline: number;
}

/** A value read with the revision a transaction compares against. */
interface Versioned<T> {
  readonly key: string;
  readonly value: T;
  readonly modRevision: string;
}

/** Attempts of one step that lost a race to another dispatcher before it gives up (as a store failure). */
const MAX_CONFLICTS = 25;
/** Finished items forgotten per transaction (two operations each, within etcd's 128 per transaction). */
const FORGET_BATCH = 50;

const pad = (n: number): string => String(n).padStart(16, '0');

/**
 * The dispatcher's items in etcd, shared by every dispatcher process. Layout under `<prefix>work/`:
 * `next` (the next sequence id), `items/<seq>` (JSON), `pending/<order>` (requeued items sort first),
 * `leases/<leaseId>` (holder, attempt, deadline), `finished/<seq>` (within the retention) and
 * `count/completed|dead-letter/<seq>` (empty markers, counted). Every change is one transaction
 * comparing the mod revisions it read, so an item is leased to one worker at a time and a stale
 * attempt can never complete or fail it; a lost race is retried with fresh reads.
 */
export class EtcdWorkStore implements WorkStore {
  private readonly client: Etcd3;
  private readonly root: string;
  private readonly limits: WorkStoreLimits;

  constructor(private readonly options: EtcdWorkStoreOptions) {
    this.client = options.client;
    this.root = `${options.prefix}work/`;
    this.limits = options.limits;
  }

  async add(resourceType: string, resourceId: string, payload: unknown): Promise<number> {
    for (let attempt = 0; attempt < MAX_CONFLICTS; attempt++) {
      const [next, pending, leased] = await Promise.all([
        this.read<number>(`${this.root}next`),
        this.count('pending/'),
        this.count('leases/'),
      ]);
      if (pending + leased >= this.limits.maxQueuedItems) {
        throw new LeaseRequestError(429, 'queue-full', `the queue holds ${this.limits.maxQueuedItems} unfinished items; try again later`);
      }
      const sequenceId = next?.value ?? 1;
      const item: EtcdItem = { sequenceId, resourceType, resourceId, payload, attempt: 1, state: 'pending', holders: [] };
      const done = await this.client
        .if(`${this.root}next`, 'Mod', '==', next?.modRevision ?? 0)
        .then(
          this.client.put(`${this.root}next`).value(JSON.stringify(sequenceId + 1)),
          this.client.put(this.itemKey(sequenceId)).value(JSON.stringify(item)),
          this.client.put(`${this.root}pending/1/${pad(sequenceId)}`).value(String(sequenceId)),
        )
        .commit();
      if (done.succeeded) return sequenceId;
    }
    throw new Error('enqueue lost too many races with other dispatchers');
  }

  async claim(workerId: string, leaseId: string, deadline: number): Promise<ClaimedItem | undefined> {
    for (let attempt = 0; attempt < MAX_CONFLICTS; attempt++) {
      const head = await this.client.getAll().prefix(`${this.root}pending/`).sort('Key', 'Ascend').limit(8).exec();
      if (head.kvs.length === 0) return undefined;
      // Any of the first few in order: dispatchers (and concurrent requests) picking the very first
      // would all race for one item; requeued items still sort before new ones.
      const entry = head.kvs[Math.floor(Math.random() * head.kvs.length)];
      if (entry === undefined) return undefined;
      const item = await this.read<EtcdItem>(this.itemKey(Number(entry.value.toString())));
      if (item === undefined) continue;
      const holders = [...item.value.holders, workerId].slice(-MAX_HOLDERS_PER_ITEM);
      const leased: EtcdItem = { ...item.value, state: 'leased', leasedBy: workerId, holders };
      const lease: EtcdLease = { leaseId, workerId, sequenceId: item.value.sequenceId, attempt: item.value.attempt, deadline };
      const done = await this.client
        .if(entry.key, 'Mod', '==', entry.mod_revision)
        .and(item.key, 'Mod', '==', item.modRevision)
        .then(
          this.client.delete().key(entry.key),
          this.client.put(item.key).value(JSON.stringify(leased)),
          this.client.put(this.leaseKey(leaseId)).value(JSON.stringify(lease)),
        )
        .commit();
      if (done.succeeded) {
        const { sequenceId, attempt: itemAttempt, resourceType, resourceId, payload } = leased;
        return { sequenceId, attempt: itemAttempt, leaseId, resourceType, resourceId, payload };
      }
    }
    throw new Error('lease lost too many races with other dispatchers');
  }

  async extend(leaseId: string, reference: LeaseReference, deadline: number): Promise<StoredLease> {
    for (let attempt = 0; attempt < MAX_CONFLICTS; attempt++) {
      const lease = await this.held(leaseId, reference);
      const done = await this.client
        .if(lease.key, 'Mod', '==', lease.modRevision)
        .then(this.client.put(lease.key).value(JSON.stringify({ ...lease.value, deadline })))
        .commit();
      if (done.succeeded) return lease.value;
    }
    throw new Error('heartbeat lost too many races with other dispatchers');
  }

  /** Reads the worker's leases, then extends each in its own transaction (another dispatcher may end one in between: lost). */
  async renewHeld(workerId: string, leaseIds: readonly string[] | undefined, deadline: number): Promise<HeldLeaseRenewal> {
    const held = leaseIds?.length === 0 ? [] : await this.leasesOf(workerId);
    const lost: string[] = [];
    let wanted: readonly StoredLease[] = held;
    if (leaseIds !== undefined) {
      const byId = new Map(held.map((lease) => [lease.leaseId, lease]));
      const named: StoredLease[] = [];
      for (const leaseId of new Set(leaseIds)) {
        const lease = byId.get(leaseId);
        if (lease) named.push(lease);
        else lost.push(leaseId);
      }
      wanted = named;
    }
    const renewed: StoredLease[] = [];
    for (const lease of wanted) {
      try {
        renewed.push(await this.extend(lease.leaseId, { workerId, sequenceId: lease.sequenceId, attempt: lease.attempt }, deadline));
      } catch (error) {
        // Expired or released between the read and the renewal: lost, like a lease never held.
        if (!(error instanceof LeaseRequestError)) throw error;
        lost.push(lease.leaseId);
      }
    }
    return { renewed, lost };
  }

  async release(leaseId: string, reference: LeaseReference, outcome: 'completed' | 'failed'): Promise<Released> {
    for (let attempt = 0; attempt < MAX_CONFLICTS; attempt++) {
      const lease = await this.held(leaseId, reference);
      const released = await this.end(lease, outcome, reference.workerId, undefined);
      if (released) return released;
    }
    throw new Error('release lost too many races with other dispatchers');
  }

  async sweep(now: number): Promise<readonly Released[] | undefined> {
    const fence = this.options.sweepFence();
    if (fence === undefined) return undefined;
    const released: Released[] = [];
    const leases = await this.client.getAll().prefix(`${this.root}leases/`).exec();
    for (const kv of leases.kvs) {
      const lease: Versioned<EtcdLease> = { key: kv.key.toString(), value: this.parseLease(kv), modRevision: kv.mod_revision };
      if (lease.value.deadline > now) continue;
      // A lost race (the worker heart-beat or finished just now) leaves the lease alone until the next sweep.
      const expired = await this.end(lease, 'failed', undefined, fence);
      if (expired) released.push(expired);
    }
    await this.forgetBeyondRetention(fence);
    return released;
  }

  async holderOf(leaseId: string): Promise<string | undefined> {
    return (await this.read<EtcdLease>(this.leaseKey(leaseId)))?.value.workerId;
  }

  async leasesOf(workerId: string): Promise<readonly StoredLease[]> {
    const leases = await this.client.getAll().prefix(`${this.root}leases/`).exec();
    return leases.kvs.map((kv) => this.parseLease(kv)).filter((lease) => lease.workerId === workerId);
  }

  async leaseCounts(): Promise<ReadonlyMap<string, number>> {
    const counts = new Map<string, number>();
    const leases = await this.client.getAll().prefix(`${this.root}leases/`).exec();
    for (const kv of leases.kvs) {
      const { workerId } = this.parseLease(kv);
      counts.set(workerId, (counts.get(workerId) ?? 0) + 1);
    }
    return counts;
  }

  async counts(): Promise<WorkCounts> {
    const [next, pending, leased, completed, deadLettered, recent] = await Promise.all([
      this.read<number>(`${this.root}next`),
      this.count('pending/'),
      this.count('leases/'),
      this.count('count/completed/'),
      this.count('count/dead-letter/'),
      this.client.getAll().prefix(`${this.root}count/dead-letter/`).sort('Key', 'Descend').limit(RECENT_DEAD_LETTERS).keys(),
    ]);
    const recentDeadLetters = recent.map((key) => Number(key.slice(key.lastIndexOf('/') + 1))).reverse();
    return { total: (next?.value ?? 1) - 1, pending, leased, completed, deadLettered, recentDeadLetters };
  }

  async item(sequenceId: number): Promise<WorkItemView | undefined> {
    const item = (await this.read<EtcdItem>(this.itemKey(sequenceId)))?.value;
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

  private itemKey(sequenceId: number): string {
    return `${this.root}items/${pad(sequenceId)}`;
  }

  private leaseKey(leaseId: string): string {
    return `${this.root}leases/${leaseId}`;
  }

  private async count(under: string): Promise<number> {
    return this.client.getAll().prefix(`${this.root}${under}`).count();
  }

  private parseLease(kv: IKeyValue): EtcdLease {
    return JSON.parse(kv.value.toString()) as EtcdLease;
  }

  private async read<T>(key: string): Promise<Versioned<T> | undefined> {
    const answer = await this.client.get(key).exec();
    const kv = answer.kvs[0];
    return kv === undefined ? undefined : { key, value: JSON.parse(kv.value.toString()) as T, modRevision: kv.mod_revision };
  }

  private async held(leaseId: string, reference: LeaseReference): Promise<Versioned<EtcdLease>> {
    const lease = await this.read<EtcdLease>(this.leaseKey(leaseId));
    if (!lease) throw new LeaseRequestError(404, 'unknown-lease', `no active lease ${leaseId}`);
    const { workerId, sequenceId, attempt } = lease.value;
    if (workerId !== reference.workerId || sequenceId !== reference.sequenceId || attempt !== reference.attempt) {
      throw new LeaseRequestError(409, 'lease-mismatch', `lease ${leaseId} is held by ${workerId} for item ${sequenceId} attempt ${attempt}`);
    }
    return lease;
  }

  /**
   * Ends `lease` in one transaction comparing the lease and item revisions (and the fence, for a
   * sweep): completed, or requeued with the next attempt, or dead-lettered. Undefined when a race was lost.
   */
  private async end(
    lease: Versioned<EtcdLease>,
    outcome: 'completed' | 'failed',
    completedBy: string | undefined,
    fence: SweepFence | undefined,
  ): Promise<Released | undefined> {
    const item = await this.read<EtcdItem>(this.itemKey(lease.value.sequenceId));
    if (!item) throw new Error(`work item ${lease.value.sequenceId} of lease ${lease.value.leaseId} is missing from etcd`);
    const requeued = outcome === 'failed' && isRequeued(item.value.attempt, this.limits.maxAttempts);
    const seq = pad(item.value.sequenceId);
    const writes: Array<PutBuilder | DeleteBuilder> = [this.client.delete().key(lease.key)];
    if (requeued) {
      const next: EtcdItem = { ...item.value, state: 'pending', attempt: item.value.attempt + 1 };
      // Requeued items sort before new ones (prefix 0), the latest requeue first, as the memory store does.
      const order = `0/${pad(Number.MAX_SAFE_INTEGER - Date.now())}/${seq}`;
      writes.push(this.client.put(item.key).value(JSON.stringify(next)), this.client.put(`${this.root}pending/${order}`).value(String(next.sequenceId)));
    } else {
      const state: WorkItemState = outcome === 'completed' ? 'completed' : 'dead-letter';
      const finished: EtcdItem = { ...item.value, state, payload: null, ...(completedBy === undefined ? {} : { completedBy }) };
      writes.push(
        this.client.put(item.key).value(JSON.stringify(finished)),
        this.client.put(`${this.root}finished/${seq}`).value(state),
        this.client.put(`${this.root}count/${state}/${seq}`).value(''),
      );
    }
    let guard = this.client.if(lease.key, 'Mod', '==', lease.modRevision).and(item.key, 'Mod', '==', item.modRevision);
    if (fence) guard = guard.and(fence.key, 'Create', '==', fence.term);
    const done = await guard.then(...writes).commit();
    return done.succeeded ? { lease: lease.value, requeued } : undefined;
  }

  /** Forgets the oldest finished items beyond the retention (their count markers stay). */
  private async forgetBeyondRetention(fence: SweepFence): Promise<void> {
    const finished = await this.count('finished/');
    const excess = Math.min(FORGET_BATCH, finished - this.limits.completedRetention);
    if (excess <= 0) return;
    const keys = await this.client.getAll().prefix(`${this.root}finished/`).sort('Key', 'Ascend').limit(excess).keys();
    const deletes = keys.flatMap((key) => {
      const seq = key.slice(key.lastIndexOf('/') + 1);
      return [this.client.delete().key(key), this.client.delete().key(`${this.root}items/${seq}`)];
    });
    await this.client.if(fence.key, 'Create', '==', fence.term).then(...deletes).commit();
  }
}
