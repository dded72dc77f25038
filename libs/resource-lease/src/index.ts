export { ResourceLeaseModule } from './resource-lease.module';
export { ResourceLeaseQueue } from './resource-lease.queue';
export { LeaseRequestError } from './lease-request.error';
export { MemoryWorkStore } from './store/memory-work.store';
export { EtcdWorkStore } from './store/etcd-work.store';
export type { EtcdWorkStoreOptions, SweepFence } from './store/etcd-work.store';
export type { ClaimedItem, HeldLeaseRenewal, Released, StoredLease, WorkCounts, WorkStore, WorkStoreLimits } from './store/work-store.interface';
export type { ResourceLeaseModuleOptions } from './resource-lease-module-options';
export type { LeaseErrorCode } from './lease-request.error';
export {
  LEASE_EXPIRED_REASON,
  DEFAULT_LEASE_DURATION_MS,
  DEFAULT_MAX_PAYLOAD_BYTES,
  DEFAULT_MAX_PAYLOAD_DEPTH,
  DEFAULT_MAX_QUEUED_ITEMS,
  DEFAULT_COMPLETED_RETENTION,
  DEFAULT_MAX_ATTEMPTS,
  MAX_HOLDERS_PER_ITEM,
  MAX_HEARTBEAT_LEASE_IDS,
  MAX_LEASE_ID_LENGTH,
  WORK_STORE,
} from './resource-lease.constants';
export { jsonDepthExceeds } from './payload-bounds';
export { requireId } from './lease-request-validation';
export type {
  LeaseGrant,
  LeaseReference,
  ResourceLeaseOptions,
  ResourceLeaseStats,
  WorkerHeartbeatResult,
  WorkItemInput,
  WorkItemState,
  WorkItemView,
} from './interfaces/resource-lease.interfaces';
