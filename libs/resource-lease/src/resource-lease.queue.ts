import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { PeerHealthDiagnosticsService, PeerLeaseHealthTracker, type PeerLeaseHandle } from '@omnirelay/peer-health';
import type {
  LeaseGrant,
  LeaseReference,
  ResourceLeaseOptions,
  ResourceLeaseStats,
  WorkItemInput,
  WorkItemState,
  WorkItemView,
} from './interfaces/resource-lease.interfaces';
import { LeaseRequestError } from './lease-request.error';
import { DEFAULT_LEASE_DURATION_MS, LEASE_EXPIRED_REASON, RESOURCE_LEASE_OPTIONS } from './resource-lease.constants';

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
  readonly payload: unknown;
  attempt: number;
  state: WorkItemState;
  lease: ActiveLease | undefined;
  completedBy: string | undefined;
  readonly holders: string[];
}

/**
 * The resource-lease queue. Every item is always exactly one of pending, leased or completed, so
 * counts add up whatever fails. Every assignment, heartbeat, release and expiry is recorded into the
 * kit's tracker; workers the snapshot providers call ineligible get no work.
 */
@Injectable()
export class ResourceLeaseQueue implements OnModuleDestroy {
  readonly leaseDurationMs: number;
  private readonly items = new Map<number, WorkItem>();
  private readonly leases = new Map<string, WorkItem>();
  /** Sequence ids waiting, oldest first; requeued items go to the front. */
  private pending: number[] = [];
  private nextSequenceId = 1;
  private requeued = 0;
  private expired = 0;
  private completed = 0;

  constructor(
    @Inject(RESOURCE_LEASE_OPTIONS) options: ResourceLeaseOptions,
    private readonly tracker: PeerLeaseHealthTracker,
    private readonly health: PeerHealthDiagnosticsService,
  ) {
    this.leaseDurationMs = options.leaseDurationMs ?? DEFAULT_LEASE_DURATION_MS;
  }

  enqueue(input: WorkItemInput): number {
    const sequenceId = this.nextSequenceId++;
    this.items.set(sequenceId, {
      sequenceId,
      resourceType: input.resourceType,
      resourceId: input.resourceId,
      payload: input.payload ?? null,
      attempt: 1,
      state: 'pending',
      lease: undefined,
      completedBy: undefined,
      holders: [],
    });
    this.pending.push(sequenceId);
    return sequenceId;
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
    item.holders.push(workerId);
    this.leases.set(handle.leaseId, item);
    this.tracker.recordLeaseAssignment(workerId, handle, item.resourceType, item.resourceId);
    return { ...handle, resourceType: item.resourceType, resourceId: item.resourceId, payload: item.payload, leaseDurationMs: this.leaseDurationMs };
  }

  /**
   * Pushes the next pending item to one of `candidates`: the eligible one holding the fewest leases.
   * Undefined when nothing is pending or no candidate is eligible.
   */
  push(candidates: readonly string[]): { workerId: string; grant: LeaseGrant } | undefined {
    if (this.pending.length === 0) return undefined;
    const eligible = candidates.filter((id) => this.health.isPeerEligible(id));
    const load = (id: string) => [...this.leases.values()].filter((item) => item.lease?.workerId === id).length;
    const workerId = eligible.sort((a, b) => load(a) - load(b))[0];
    if (workerId === undefined) return undefined;
    const grant = this.lease(workerId);
    return grant ? { workerId, grant } : undefined;
  }

  heartbeat(leaseId: string, reference: LeaseReference, pendingCount?: number): void {
    const item = this.held(leaseId, reference);
    item.lease?.timer.refresh();
    this.tracker.recordLeaseHeartbeat(reference.workerId, item.lease?.handle, pendingCount);
  }

  complete(leaseId: string, reference: LeaseReference): void {
    const item = this.held(leaseId, reference);
    const handle = this.release(item);
    item.state = 'completed';
    item.completedBy = reference.workerId;
    this.completed++;
    this.tracker.recordLeaseReleased(reference.workerId, handle, false);
  }

  /** The worker gives the item back: it is requeued with the next attempt. */
  fail(leaseId: string, reference: LeaseReference): void {
    const item = this.held(leaseId, reference);
    const handle = this.release(item);
    this.requeue(item);
    this.tracker.recordLeaseReleased(reference.workerId, handle, true);
  }

  /** A heartbeat from a worker that holds no lease (it is alive and idle). */
  workerHeartbeat(workerId: string, pendingCount?: number): void {
    this.tracker.recordLeaseHeartbeat(workerId, undefined, pendingCount);
  }

  stats(): ResourceLeaseStats {
    const leased = this.leases.size;
    return {
      total: this.items.size,
      pending: this.items.size - leased - this.completed,
      leased,
      completed: this.completed,
      requeued: this.requeued,
      expired: this.expired,
    };
  }

  item(sequenceId: number): WorkItemView {
    const item = this.items.get(sequenceId);
    if (!item) throw new LeaseRequestError(404, 'unknown-item', `no work item ${sequenceId}`);
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
    item.lease = undefined;
    return lease.handle;
  }

  private requeue(item: WorkItem): void {
    item.state = 'pending';
    item.attempt++;
    this.requeued++;
    this.pending.unshift(item.sequenceId);
  }

  private expire(item: WorkItem): void {
    const lease = item.lease;
    if (!lease) return;
    const handle = this.release(item);
    this.requeue(item);
    this.expired++;
    this.tracker.recordLeaseReleased(lease.workerId, handle, true);
    this.tracker.recordDisconnect(lease.workerId, LEASE_EXPIRED_REASON);
  }
}
