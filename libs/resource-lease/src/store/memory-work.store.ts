import type { LeaseReference, WorkItemState, WorkItemView } from '../interfaces/resource-lease.interfaces';
import { LeaseRequestError } from '../errors/lease-request.error';
import { MAX_HOLDERS_PER_ITEM } from '../resource-lease.limits';
import { isCompletion, isRequeued } from './release-outcome';
import { RECENT_DEAD_LETTERS } from './recent-dead-letters';
import type { ClaimedItem, HeldLeaseRenewal, Released, StoredLease, WorkCounts, WorkStore, WorkStoreLimits } from './work-store.interface';

interface MemoryLease extends StoredLease {
  deadline: number;
}

interface MemoryItem {
  readonly sequenceId: number;
  readonly resourceType: string;
  readonly resourceId: string;
  /** Dropped (null) once the item is finished: only unfinished work costs its payload's memory. */
  payload: unknown;
  attempt: number;
  state: WorkItemState;
  lease: MemoryLease | undefined;
  completedBy: string | undefined;
  readonly holders: string[];
}

/**
 * The embedded store: everything in this process's memory, lost when it exits. The default, so the
 * host runs with nothing else. Memory is bounded: unfinished items by `maxQueuedItems`, finished
 * ones by `completedRetention` (their counts are kept), holders per item by MAX_HOLDERS_PER_ITEM.
 */
export class MemoryWorkStore implements WorkStore {
  private readonly items = new Map<number, MemoryItem>();
  private readonly leases = new Map<string, MemoryItem>();
  /** The same leases by holder (each in lease order): a worker's heartbeat reads its own, not the fleet's. */
  private readonly leasesByWorker = new Map<string, Map<string, MemoryItem>>();
  /** Sequence ids waiting, oldest first; requeued items go to the front. */
  private readonly pending: number[] = [];
  /** Finished sequence ids still kept in `items`, oldest first. */
  private readonly finished: number[] = [];
  private readonly recentDeadLetters: number[] = [];
  private nextSequenceId = 1;
  private completed = 0;
  private deadLettered = 0;

  constructor(private readonly limits: WorkStoreLimits) {}

  add(resourceType: string, resourceId: string, payload: unknown): Promise<number> {
    if (this.pending.length + this.leases.size >= this.limits.maxQueuedItems) {
      return Promise.reject(
        new LeaseRequestError(429, 'queue-full', `the queue holds ${this.limits.maxQueuedItems} unfinished items; try again later`),
      );
    }
    const sequenceId = this.nextSequenceId++;
    this.items.set(sequenceId, {
      sequenceId,
      resourceType,
      resourceId,
      payload,
      attempt: 1,
      state: 'pending',
      lease: undefined,
      completedBy: undefined,
      holders: [],
    });
    this.pending.push(sequenceId);
    return Promise.resolve(sequenceId);
  }

  claim(workerId: string, leaseId: string, deadline: number): Promise<ClaimedItem | undefined> {
    const sequenceId = this.pending.shift();
    const item = sequenceId === undefined ? undefined : this.items.get(sequenceId);
    if (!item) return Promise.resolve(undefined);
    item.state = 'leased';
    item.lease = { leaseId, workerId, sequenceId: item.sequenceId, attempt: item.attempt, deadline };
    if (item.holders.length >= MAX_HOLDERS_PER_ITEM) item.holders.shift();
    item.holders.push(workerId);
    this.leases.set(leaseId, item);
    let held = this.leasesByWorker.get(workerId);
    if (!held) {
      held = new Map<string, MemoryItem>();
      this.leasesByWorker.set(workerId, held);
    }
    held.set(leaseId, item);
    const { resourceType, resourceId, payload, attempt } = item;
    return Promise.resolve({ sequenceId: item.sequenceId, attempt, leaseId, resourceType, resourceId, payload });
  }

  extend(leaseId: string, reference: LeaseReference, deadline: number): Promise<StoredLease> {
    return this.settle(() => {
      const lease = this.held(leaseId, reference);
      lease.deadline = deadline;
      return lease;
    });
  }

  renewHeld(workerId: string, leaseIds: readonly string[] | undefined, deadline: number): Promise<HeldLeaseRenewal> {
    return this.settle(() => this.renewHeldNow(workerId, leaseIds, deadline));
  }

  /** One synchronous step over the worker's own leases (indexed by worker): no read-then-extend race, no promise. */
  renewHeldNow(workerId: string, leaseIds: readonly string[] | undefined, deadline: number): HeldLeaseRenewal {
    const items = this.leasesByWorker.get(workerId);
    const renewed: StoredLease[] = [];
    const lost: string[] = [];
    if (leaseIds === undefined) {
      if (items) for (const item of items.values()) if (item.lease) renewed.push(this.renew(item.lease, deadline));
    } else {
      for (const leaseId of new Set(leaseIds)) {
        const lease = items?.get(leaseId)?.lease;
        if (lease) renewed.push(this.renew(lease, deadline));
        else lost.push(leaseId);
      }
    }
    return { renewed, lost };
  }

  release(leaseId: string, reference: LeaseReference, outcome: 'completed' | 'failed'): Promise<Released> {
    return this.settle(() => {
      const done = this.items.get(reference.sequenceId);
      if (outcome === 'completed' && !this.leases.has(leaseId) && isCompletion(done, reference)) {
        const { workerId, sequenceId, attempt } = reference;
        return { lease: { leaseId, workerId, sequenceId, attempt }, requeued: false, repeated: true };
      }
      const lease = this.held(leaseId, reference);
      const item = this.unlease(lease);
      if (outcome === 'failed') return { lease, requeued: this.requeue(item) };
      item.state = 'completed';
      item.completedBy = reference.workerId;
      this.completed++;
      this.finish(item);
      return { lease, requeued: false };
    });
  }

  sweep(now: number): Promise<readonly Released[]> {
    const released: Released[] = [];
    for (const item of [...this.leases.values()]) {
      const lease = item.lease;
      if (!lease || lease.deadline > now) continue;
      this.unlease(lease);
      released.push({ lease, requeued: this.requeue(item) });
    }
    return Promise.resolve(released);
  }

  holderOf(leaseId: string): Promise<string | undefined> {
    return Promise.resolve(this.leases.get(leaseId)?.lease?.workerId);
  }

  leasesOf(workerId: string): Promise<readonly StoredLease[]> {
    const held: StoredLease[] = [];
    const items = this.leasesByWorker.get(workerId);
    if (items) for (const item of items.values()) if (item.lease) held.push(item.lease);
    return Promise.resolve(held);
  }

  leaseCounts(): Promise<ReadonlyMap<string, number>> {
    const counts = new Map<string, number>();
    for (const item of this.leases.values()) if (item.lease) counts.set(item.lease.workerId, (counts.get(item.lease.workerId) ?? 0) + 1);
    return Promise.resolve(counts);
  }

  counts(): Promise<WorkCounts> {
    return Promise.resolve({
      total: this.nextSequenceId - 1,
      pending: this.pending.length,
      leased: this.leases.size,
      completed: this.completed,
      deadLettered: this.deadLettered,
      recentDeadLetters: [...this.recentDeadLetters],
    });
  }

  item(sequenceId: number): Promise<WorkItemView | undefined> {
    const item = this.items.get(sequenceId);
    if (!item) return Promise.resolve(undefined);
    return Promise.resolve({
      sequenceId: item.sequenceId,
      resourceType: item.resourceType,
      resourceId: item.resourceId,
      state: item.state,
      attempt: item.attempt,
      leasedBy: item.lease?.workerId,
      completedBy: item.completedBy,
      holders: [...item.holders],
    });
  }

  /** Runs a synchronous step, turning its refusal into a rejected promise. */
  private settle<T>(step: () => T): Promise<T> {
    try {
      return Promise.resolve(step());
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private held(leaseId: string, reference: LeaseReference): MemoryLease {
    const lease = this.leases.get(leaseId)?.lease;
    if (!lease) throw new LeaseRequestError(404, 'unknown-lease', `no active lease ${leaseId}`);
    if (lease.workerId !== reference.workerId || lease.sequenceId !== reference.sequenceId || lease.attempt !== reference.attempt) {
      throw new LeaseRequestError(
        409,
        'lease-mismatch',
        `lease ${leaseId} is held by ${lease.workerId} for item ${lease.sequenceId} attempt ${lease.attempt}`,
      );
    }
    return lease;
  }

  private renew(lease: MemoryLease, deadline: number): MemoryLease {
    lease.deadline = deadline;
    return lease;
  }

  private unlease(lease: MemoryLease): MemoryItem {
    const item = this.leases.get(lease.leaseId);
    if (!item) throw new LeaseRequestError(404, 'unknown-lease', `no active lease ${lease.leaseId}`);
    this.leases.delete(lease.leaseId);
    const held = this.leasesByWorker.get(lease.workerId);
    held?.delete(lease.leaseId);
    if (held?.size === 0) this.leasesByWorker.delete(lease.workerId);
    item.lease = undefined;
    return item;
  }

  /** Requeues with the next attempt (true), or dead-letters an item whose last attempt this was (false). */
  private requeue(item: MemoryItem): boolean {
    if (!isRequeued(item.attempt, this.limits.maxAttempts)) {
      item.state = 'dead-letter';
      this.deadLettered++;
      if (this.recentDeadLetters.push(item.sequenceId) > RECENT_DEAD_LETTERS) this.recentDeadLetters.shift();
      this.finish(item);
      return false;
    }
    item.state = 'pending';
    item.attempt++;
    this.pending.unshift(item.sequenceId);
    return true;
  }

  /** A finished item loses its payload and is kept for inspection until the retention pushes it out. */
  private finish(item: MemoryItem): void {
    item.payload = null;
    this.finished.push(item.sequenceId);
    while (this.finished.length > this.limits.completedRetention) {
      const forgotten = this.finished.shift();
      if (forgotten !== undefined) this.items.delete(forgotten);
    }
  }
}
