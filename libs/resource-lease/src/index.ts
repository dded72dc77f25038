export { ResourceLeaseModule } from './resource-lease.module';
export { ResourceLeaseQueue } from './resource-lease.queue';
export { LeaseRequestError } from './lease-request.error';
export type { LeaseErrorCode } from './lease-request.error';
export { LEASE_EXPIRED_REASON, DEFAULT_LEASE_DURATION_MS } from './resource-lease.constants';
export type {
  LeaseGrant,
  LeaseReference,
  ResourceLeaseOptions,
  ResourceLeaseStats,
  WorkItemInput,
  WorkItemState,
  WorkItemView,
} from './interfaces/resource-lease.interfaces';
