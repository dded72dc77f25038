import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { PeerHealthDiagnosticsService, PeerLeaseHealthTracker, type PeerLeaseHandle, type PeerRecorder } from '@omnirelay/peer-health';
import type {
  LeaseGrant,
  LeaseReference,
  ResourceLeaseOptions,
  WorkerHeartbeatResult,
  ResourceLeaseStats,
  WorkItemInput,
  WorkItemState,
  WorkItemView,
} from './interfaces/resource-lease.interfaces';
import { LeaseRequestError } from './lease-request.error';
import { checkPayload } from './payload-bounds';
import { LEASE_EXPIRED_REASON, MAX_HOLDERS_PER_ITEM, RESOURCE_LEASE_OPTIONS } from './resource-lease.constants';
import { resolveResourceLeaseOptions, type ResolvedResourceLeaseOptions } from './resource-lease-options';

interface ActiveLease {
  readonly leaseId: string;
  readonly workerId: string;
  readonly handle: PeerLeaseHandle;
  readonly timer: NodeJS.Timeout;
}

interface WorkItem {
  readonly sequenceId: number;
  readonly resourceType: string;
  readonly resourceId: string;
  /** Dropped (null) once the item is finished: only unfinished work costs its payload's memory. */
  payload: unknown;
  attempt: number;
  state: WorkItemState;
  lease: ActiveLease | undefined;
  completedBy: string | undefined;
  readonly holders: string[];
}

/** A worker holding at least one lease: its leases, and its recorder into the tracker. */
interface WorkerLeases {
  readonly recorder: PeerRecorder;
  readonly leases: Map<string, WorkItem>;
}

/** Dead-lettered sequence ids listed by `stats()`. */
const RECENT_DEAD_LETTERS = 20;

/**
 * The resource-lease queue. Every item is always exactly one of pending, leased, completed or
 * dead-lettered, so counts add up whatever fails. Every assignment, heartbeat, release and expiry is
 * recorded into the kit's tracker; workers the snapshot providers call ineligible get no work.
 * Memory is bounded: unfinished items by `maxQueuedItems`, payloads by size and depth, finished items
 * by `completedRetention` (their counts are kept), holders per item by MAX_HOLDERS_PER_ITEM.
 */
@Injectable()
export class ResourceLeaseQueue implements OnModuleDestroy {
  readonly leaseDurationMs: number;
  private readonly limits: ResolvedResourceLeaseOptions;
  private readonly items = new Map<number, WorkItem>();
  private readonly leases = new Map<string, WorkItem>();
  /** Workers that hold leases (an entry goes with its last lease), so their events skip the tracker's lookup. */
  private readonly workers = new Map<string, WorkerLeases>();
  /** Sequence ids waiting, oldest first; requeued items go to the front. */
  private pending: number[] = [];
  /** Finished sequence ids still kept in `items`, oldest first. */
  private readonly finished: number[] = [];
  private readonly recentDeadLetters: number[] = [];
  private nextSequenceId = 1;
  private requeued = 0;
  private expired = 0;
  private completed = 0;
  private deadLettered = 0;

  constructor(
    @Inject(RESOURCE_LEASE_OPTIONS) options: ResourceLeaseOptions,
    private readonly tracker: PeerLeaseHealthTracker,
    private readonly health: PeerHealthDiagnosticsService,
  ) {
    this.limits = resolveResourceLeaseOptions(options);
    this.leaseDurationMs = this.limits.leaseDurationMs;
  }

  /** Refuses a payload over the bounds (400, 413) or a full queue (429) before anything is stored. */
  enqueue(input: WorkItemInput): number {
    const payload = input.payload ?? null;
    checkPayload(payload, { maxBytes: this.limits.maxPayloadBytes, maxDepth: this.limits.maxPayloadDepth });
    if (this.pending.length + this.leases.size >= this.limits.maxQueuedItems) {
      throw new LeaseRequestError(429, 'queue-full', `the queue holds ${this.limits.maxQueuedItems} unfinished items; try again later`);
    }
    const sequenceId = this.nextSequenceId++;
    this.items.set(sequenceId, {
      sequenceId,
      resourceType: input.resourceType,
      resourceId: input.resourceId,
      payload,
      attempt: 1,
      state: 'pending',
      lease: undefined,
      completedBy: undefined,
      holders: [],
    });
    this.pending.push(sequenceId);
    return sequenceId;
  }

  /** The worker holding `leaseId`, or undefined when no such lease is active (a lease id never changes hands). */
  holderOf(leaseId: string): string | undefined {
    return this.leases.get(leaseId)?.lease?.workerId;
  }

  /** Gives the next pending item to `workerId`; undefined when nothing is pending. */
  lease(workerId: string): LeaseGrant | undefined {
    if (!this.health.isPeerEligible(workerId)) {
      throw new LeaseRequestError(409, 'worker-ineligible', `worker ${workerId} is not eligible for work (unhealthy)`);
    }
    const sequenceId = this.pending.shift();
    const item = sequenceId === undefined ? undefined : this.items.get(sequenceId);
    if (!item) return undefined;
    const handle: PeerLeaseHandle = { sequenceId: item.sequenceId, attempt: item.attempt, leaseId: randomUUID() };
    const timer = setTimeout(() => this.expire(item), this.leaseDurationMs);
    timer.unref();
    item.state = 'leased';
    item.lease = { leaseId: handle.leaseId, workerId, handle, timer };
    if (item.holders.length >= MAX_HOLDERS_PER_ITEM) item.holders.shift();
    item.holders.push(workerId);
    this.leases.set(handle.leaseId, item);
    const worker = this.workerOf(workerId);
    worker.leases.set(handle.leaseId, item);
    worker.recorder.assign(handle, item.resourceType, item.resourceId);
    return { ...handle, resourceType: item.resourceType, resourceId: item.resourceId, payload: item.payload, leaseDurationMs: this.leaseDurationMs };
  }

  /**
   * Pushes the next pending item to one of `candidates`: the eligible one holding the fewest leases.
   * Undefined when nothing is pending or no candidate is eligible.
   */
  push(candidates: readonly string[]): { workerId: string; grant: LeaseGrant } | undefined {
    if (this.pending.length === 0) return undefined;
    const eligible = candidates.filter((id) => this.health.isPeerEligible(id));
    const load = (id: string) => this.workers.get(id)?.leases.size ?? 0;
    const workerId = eligible.sort((a, b) => load(a) - load(b))[0];
    if (workerId === undefined) return undefined;
    const grant = this.lease(workerId);
    return grant ? { workerId, grant } : undefined;
  }

  heartbeat(leaseId: string, reference: LeaseReference, pendingCount?: number): void {
    const item = this.held(leaseId, reference);
    const lease = item.lease;
    if (!lease) return;
    lease.timer.refresh();
    const recorder = this.workers.get(lease.workerId)?.recorder;
    if (recorder) recorder.heartbeat(lease.handle, pendingCount);
    else this.tracker.recordLeaseHeartbeat(lease.workerId, lease.handle, pendingCount);
  }

  complete(leaseId: string, reference: LeaseReference): void {
    const item = this.held(leaseId, reference);
    const handle = this.release(item);
    item.state = 'completed';
    item.completedBy = reference.workerId;
    this.completed++;
    this.finish(item);
    this.recordRelease(reference.workerId, handle, false);
  }

  /** The worker gives the item back: it is requeued with the next attempt, or dead-lettered after its last. */
  fail(leaseId: string, reference: LeaseReference): void {
    const item = this.held(leaseId, reference);
    const handle = this.release(item);
    const requeued = this.requeue(item);
    this.recordRelease(reference.workerId, handle, requeued);
  }

  /**
   * One heartbeat for a worker's leases: renews each of `leaseIds` the worker holds, or every lease
   * it holds when `leaseIds` is undefined. Named leases it does not hold (expired, finished, another
   * worker's, unknown) are not renewed and are listed as `lost`, so the worker can stop working on
   * them. A worker holding none is still alive: the tracker records a heartbeat without a lease.
   */
  workerHeartbeat(workerId: string, pendingCount?: number, leaseIds?: readonly string[]): WorkerHeartbeatResult {
    const worker = this.workers.get(workerId);
    let renewed = 0;
    const lost: string[] = [];
    const renew = (item: WorkItem): void => {
      const lease = item.lease;
      if (!lease) return;
      lease.timer.refresh();
      worker?.recorder.heartbeat(lease.handle, pendingCount);
      renewed++;
    };
    if (leaseIds === undefined) {
      if (worker) for (const item of worker.leases.values()) renew(item);
    } else {
      for (const leaseId of new Set(leaseIds)) {
        const item = worker?.leases.get(leaseId);
        if (item) renew(item);
        else lost.push(leaseId);
      }
    }
    if (renewed === 0) {
      if (worker) worker.recorder.heartbeat(undefined, pendingCount);
      else this.tracker.recordLeaseHeartbeat(workerId, undefined, pendingCount);
    }
    return { renewed, lost };
  }

  stats(): ResourceLeaseStats {
    return {
      total: this.nextSequenceId - 1,
      pending: this.pending.length,
      leased: this.leases.size,
      completed: this.completed,
      deadLettered: this.deadLettered,
      requeued: this.requeued,
      expired: this.expired,
      recentDeadLetters: [...this.recentDeadLetters],
    };
  }

  item(sequenceId: number): WorkItemView {
    const item = this.items.get(sequenceId);
    if (!item) {
      throw new LeaseRequestError(404, 'unknown-item', `no work item ${sequenceId} (finished items are kept up to the completed retention)`);
    }
    return {
      sequenceId: item.sequenceId,
      resourceType: item.resourceType,
      resourceId: item.resourceId,
      state: item.state,
      attempt: item.attempt,
      leasedBy: item.lease?.workerId,
      completedBy: item.completedBy,
      holders: [...item.holders],
    };
  }

  onModuleDestroy(): void {
    for (const item of this.leases.values()) if (item.lease) clearTimeout(item.lease.timer);
  }

  private held(leaseId: string, reference: LeaseReference): WorkItem {
    const item = this.leases.get(leaseId);
    if (!item?.lease) throw new LeaseRequestError(404, 'unknown-lease', `no active lease ${leaseId}`);
    const { handle, workerId } = item.lease;
    if (workerId !== reference.workerId || handle.sequenceId !== reference.sequenceId || handle.attempt !== reference.attempt) {
      throw new LeaseRequestError(
        409,
        'lease-mismatch',
        `lease ${leaseId} is held by ${workerId} for item ${handle.sequenceId} attempt ${handle.attempt}`,
      );
    }
    return item;
  }

  private release(item: WorkItem): PeerLeaseHandle {
    const lease = item.lease;
    if (!lease) throw new LeaseRequestError(409, 'lease-mismatch', `item ${item.sequenceId} is not leased`);
    clearTimeout(lease.timer);
    this.leases.delete(lease.leaseId);
    this.workers.get(lease.workerId)?.leases.delete(lease.leaseId);
    item.lease = undefined;
    return lease.handle;
  }

  /** Requeues with the next attempt (true), or dead-letters an item whose last attempt this was (false). */
  private requeue(item: WorkItem): boolean {
    if (item.attempt >= this.limits.maxAttempts) {
      item.state = 'dead-letter';
      this.deadLettered++;
      if (this.recentDeadLetters.push(item.sequenceId) > RECENT_DEAD_LETTERS) this.recentDeadLetters.shift();
      this.finish(item);
      return false;
    }
    item.state = 'pending';
    item.attempt++;
    this.requeued++;
    this.pending.unshift(item.sequenceId);
    return true;
  }

  /** A finished item loses its payload and is kept for inspection until the retention pushes it out. */
  private finish(item: WorkItem): void {
    item.payload = null;
    this.finished.push(item.sequenceId);
    while (this.finished.length > this.limits.completedRetention) {
      const forgotten = this.finished.shift();
      if (forgotten !== undefined) this.items.delete(forgotten);
    }
  }

  private expire(item: WorkItem): void {
    const lease = item.lease;
    if (!lease) return;
    const handle = this.release(item);
    const requeued = this.requeue(item);
    this.expired++;
    const recorder = this.workers.get(lease.workerId)?.recorder ?? this.tracker.peer(lease.workerId);
    this.recordRelease(lease.workerId, handle, requeued);
    recorder.disconnect(LEASE_EXPIRED_REASON);
  }

  /** The worker's entry, made when it takes its first lease. */
  private workerOf(workerId: string): WorkerLeases {
    let worker = this.workers.get(workerId);
    if (!worker) {
      worker = { recorder: this.tracker.peer(workerId), leases: new Map() };
      this.workers.set(workerId, worker);
    }
    return worker;
  }

  /** Records a release through the worker's recorder; a worker left without leases loses its entry. */
  private recordRelease(workerId: string, handle: PeerLeaseHandle, requeued: boolean): void {
    const worker = this.workers.get(workerId);
    if (!worker) {
      this.tracker.recordLeaseReleased(workerId, handle, requeued);
      return;
    }
    worker.recorder.release(handle, requeued);
    if (worker.leases.size === 0) this.workers.delete(workerId);
  }
}
