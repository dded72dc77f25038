import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { PeerHealthEligibility, PeerLeaseHealthTracker, type PeerLeaseHandle } from '@omnirelay/peer-health';
import type {
  LeaseGrant,
  LeaseReference,
  ResourceLeaseStats,
  WorkerHeartbeatResult,
  WorkItemInput,
  WorkItemView,
} from './interfaces/resource-lease.interfaces';
import { LeaseRequestError } from './errors/lease-request.error';
import { checkPayload } from './payload-bounds';
import { RESOURCE_LEASE_OPTIONS, WORK_STORE } from './resource-lease.constants';
import { resolveResourceLeaseOptions, type ResolvedResourceLeaseOptions } from './resource-lease-options';
import type { ResourceLeaseModuleOptions } from './resource-lease-module-options';
import type { HeldLeaseRenewal, Released, StoredLease, WorkStore } from './store/work-store.interface';

/** Sweeps for expired leases this often: a fifth of the lease duration, within 10 ms to 1 s. */
function sweepIntervalMs(leaseDurationMs: number): number {
  return Math.min(1000, Math.max(10, Math.floor(leaseDurationMs / 5)));
}

/** Shared by every heartbeat that names an empty list: frozen, so no caller can change it for the next. */
const NOTHING_RENEWED: HeldLeaseRenewal = Object.freeze({ renewed: Object.freeze([]), lost: Object.freeze([]) });

const handleOf = (lease: StoredLease): PeerLeaseHandle => ({ sequenceId: lease.sequenceId, attempt: lease.attempt, leaseId: lease.leaseId });

/**
 * The dispatcher: the logic every store shares. Checks requests (payload bounds, eligibility), asks
 * the store for one atomic step, and records every assignment, heartbeat, release and expiry into the
 * kit's tracker. A store failure (etcd unreachable) is a 503, counted in `storeErrors`; the store's
 * own refusals pass through as 404/409/429.
 */
@Injectable()
export class ResourceLeaseQueue implements OnModuleDestroy {
  readonly leaseDurationMs: number;
  private readonly limits: ResolvedResourceLeaseOptions;
  private readonly sweeper: NodeJS.Timeout;
  private sweeping = false;
  private requeued = 0;
  private expired = 0;
  private storeErrorCount = 0;

  constructor(
    @Inject(RESOURCE_LEASE_OPTIONS) private readonly options: ResourceLeaseModuleOptions,
    @Inject(WORK_STORE) private readonly store: WorkStore,
    private readonly tracker: PeerLeaseHealthTracker,
    private readonly health: PeerHealthEligibility,
  ) {
    this.limits = resolveResourceLeaseOptions(options);
    this.leaseDurationMs = this.limits.leaseDurationMs;
    this.sweeper = setInterval(() => void this.sweep(), sweepIntervalMs(this.leaseDurationMs));
    this.sweeper.unref();
  }

  /** Failed store calls since start (the host exports them as a metric). */
  get storeErrors(): number {
    return this.storeErrorCount;
  }

  /** Refuses a payload over the bounds (400, 413) or a full queue (429) before anything is stored. */
  async enqueue(input: WorkItemInput): Promise<number> {
    const payload = input.payload ?? null;
    checkPayload(payload, { maxBytes: this.limits.maxPayloadBytes, maxDepth: this.limits.maxPayloadDepth });
    return this.call(this.store.add(input.resourceType, input.resourceId, payload));
  }

  /** The worker holding `leaseId`, or undefined when no such lease is active (a lease id never changes hands). */
  async holderOf(leaseId: string): Promise<string | undefined> {
    return this.call(this.store.holderOf(leaseId));
  }

  /** Gives the next pending item to `workerId`; undefined when nothing is pending. */
  async lease(workerId: string): Promise<LeaseGrant | undefined> {
    if (!this.health.isPeerEligible(workerId)) {
      throw new LeaseRequestError(409, 'worker-ineligible', `worker ${workerId} is not eligible for work (unhealthy)`);
    }
    const claimed = await this.call(this.store.claim(workerId, randomUUID(), Date.now() + this.leaseDurationMs));
    if (!claimed) return undefined;
    const handle: PeerLeaseHandle = { sequenceId: claimed.sequenceId, attempt: claimed.attempt, leaseId: claimed.leaseId };
    this.tracker.recordLeaseAssignment(workerId, handle, claimed.resourceType, claimed.resourceId);
    return { ...claimed, leaseDurationMs: this.leaseDurationMs };
  }

  /**
   * Pushes the next pending item to one of `candidates`: the eligible one holding the fewest leases.
   * Undefined when nothing is pending or no candidate is eligible.
   */
  async push(candidates: readonly string[]): Promise<{ workerId: string; grant: LeaseGrant } | undefined> {
    const eligible = candidates.filter((id) => this.health.isPeerEligible(id));
    if (eligible.length === 0) return undefined;
    const load = await this.call(this.store.leaseCounts());
    const workerId = eligible.sort((a, b) => (load.get(a) ?? 0) - (load.get(b) ?? 0))[0];
    if (workerId === undefined) return undefined;
    const grant = await this.lease(workerId);
    return grant ? { workerId, grant } : undefined;
  }

  async heartbeat(leaseId: string, reference: LeaseReference, pendingCount?: number): Promise<void> {
    const lease = await this.call(this.store.extend(leaseId, reference, Date.now() + this.leaseDurationMs));
    // With the handle, a heartbeat re-adds a lease this process never granted (after a failover).
    this.tracker.recordLeaseHeartbeat(reference.workerId, handleOf(lease), pendingCount);
  }

  /** Completing a lease again (the worker lost the first answer) answers the same, and records nothing twice. */
  async complete(leaseId: string, reference: LeaseReference): Promise<void> {
    const { lease, repeated } = await this.call(this.store.release(leaseId, reference, 'completed'));
    if (repeated === true) return;
    this.tracker.recordLeaseReleased(reference.workerId, handleOf(lease), false);
    this.options.onCompleted?.(lease);
  }

  /** The worker gives the item back: it is requeued with the next attempt, or dead-lettered after its last. */
  async fail(leaseId: string, reference: LeaseReference): Promise<void> {
    const { lease, requeued } = await this.call(this.store.release(leaseId, reference, 'failed'));
    if (requeued) this.requeued++;
    this.tracker.recordLeaseReleased(reference.workerId, handleOf(lease), requeued);
  }

  /** A heartbeat from a worker that holds no lease (it is alive and idle). */
  /**
   * A worker's heartbeat: renews the named leases it holds (all of them when none is named), and
   * records the worker alive even when it holds none. Named leases it does not hold are `lost`.
   */
  async workerHeartbeat(workerId: string, pendingCount?: number, leaseIds?: readonly string[]): Promise<WorkerHeartbeatResult> {
    // An empty list renews nothing: the store is not asked. Otherwise one store call, however many leases.
    const renewal =
      leaseIds?.length === 0 ? NOTHING_RENEWED : await this.call(this.store.renewHeld(workerId, leaseIds, Date.now() + this.leaseDurationMs));
    return this.recordRenewal(workerId, renewal, pendingCount);
  }

  /**
   * `workerHeartbeat` answered synchronously when the store renews in this process's memory (the
   * memory store): the same result and the same refusals (thrown), with no promise on the way. Undefined,
   * with nothing done, when the store can only answer asynchronously (etcd): call `workerHeartbeat`.
   */
  workerHeartbeatNow(workerId: string, pendingCount?: number, leaseIds?: readonly string[]): WorkerHeartbeatResult | undefined {
    const store = this.store;
    if (store.renewHeldNow === undefined) return undefined;
    let renewal = NOTHING_RENEWED;
    if (leaseIds?.length !== 0) {
      try {
        renewal = store.renewHeldNow(workerId, leaseIds, Date.now() + this.leaseDurationMs);
      } catch (error) {
        throw this.storeFailure(error);
      }
    }
    return this.recordRenewal(workerId, renewal, pendingCount);
  }

  /** Records a worker's renewal into the tracker: a heartbeat per renewed lease, or one without a lease. */
  private recordRenewal(workerId: string, { renewed, lost }: HeldLeaseRenewal, pendingCount: number | undefined): WorkerHeartbeatResult {
    // A stored lease carries the handle's fields: no copy per lease.
    for (const lease of renewed) this.tracker.recordLeaseHeartbeat(workerId, lease, pendingCount);
    if (renewed.length === 0) this.tracker.recordLeaseHeartbeat(workerId, undefined, pendingCount);
    return { renewed: renewed.length, lost };
  }

  async stats(): Promise<ResourceLeaseStats> {
    const counts = await this.call(this.store.counts());
    return { ...counts, requeued: this.requeued, expired: this.expired };
  }

  async item(sequenceId: number): Promise<WorkItemView> {
    const item = await this.call(this.store.item(sequenceId));
    if (!item) {
      throw new LeaseRequestError(404, 'unknown-item', `no work item ${sequenceId} (finished items are kept up to the completed retention)`);
    }
    return item;
  }

  /** Requeues (or dead-letters) expired leases, when the store lets this process sweep now. */
  async sweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      const released = await this.store.sweep(Date.now());
      for (const expiry of released ?? []) this.recordExpiry(expiry);
    } catch (error) {
      this.countStoreError(error);
    } finally {
      this.sweeping = false;
    }
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }

  private recordExpiry({ lease, requeued }: Released): void {
    this.expired++;
    if (requeued) this.requeued++;
    // One call: the worker goes from healthy (if it still was) to unhealthy, never healthy in between.
    this.tracker.recordLeaseExpired(lease.workerId, handleOf(lease), requeued);
  }

  /** Passes the store's refusals through; anything else is the store failing: counted, and a 503. */
  private async call<T>(step: Promise<T>): Promise<T> {
    try {
      return await step;
    } catch (error) {
      throw this.storeFailure(error);
    }
  }

  /** A store's refusal as it is; anything else counted, as a 503. */
  private storeFailure(error: unknown): LeaseRequestError {
    if (error instanceof LeaseRequestError) return error;
    this.countStoreError(error);
    return new LeaseRequestError(503, 'store-unavailable', 'the work store is unavailable; try again shortly');
  }

  private countStoreError(error: unknown): void {
    this.storeErrorCount++;
    this.options.onStoreError?.(error);
  }
}
