// The public surface: what an application calls. Tests of internals import them from their source
// paths (`@internal/resource-lease/<path>`).

// Module and dispatcher
export { ResourceLeaseModule } from './resource-lease.module';
export { ResourceLeaseQueue } from './resource-lease.queue';
export type { ResourceLeaseModuleOptions } from './resource-lease-module-options';
export { WORK_STORE } from './resource-lease.constants';
export {
  DEFAULT_LEASE_DURATION_MS,
  DEFAULT_MAX_PAYLOAD_BYTES,
  DEFAULT_MAX_PAYLOAD_DEPTH,
  DEFAULT_MAX_QUEUED_ITEMS,
  DEFAULT_COMPLETED_RETENTION,
  DEFAULT_MAX_ATTEMPTS,
} from './resource-lease.defaults';
export { MAX_HOLDERS_PER_ITEM, MAX_HEARTBEAT_LEASE_IDS, MAX_LEASE_ID_LENGTH } from './resource-lease.limits';
export { RESOURCE_LEASE_ROUTE_PREFIX, RESOURCE_LEASE_ROUTES, LEASE_HEARTBEAT_ROUTE, LEASE_REQUEST_ROUTE, WORKER_HEARTBEAT_ROUTE } from './resource-lease.routes';
// The disconnect reason the kit records for a worker whose lease expired.
export { LEASE_EXPIRED_REASON } from '@omnirelay/peer-health';
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

// Errors
export { LeaseRequestError } from './errors/lease-request.error';
export type { LeaseErrorCode } from './errors/lease-request.error';
export { HttpAnswerTooLargeError } from './errors/http-answer-too-large.error';

// Heartbeat answers, for a host's fast path of the routes
export { answerWorkerHeartbeat, answerWorkerHeartbeatNow } from './heartbeat/worker-heartbeat-answer';
export type { WorkerHeartbeatAnswer } from './heartbeat/worker-heartbeat-answer';
export { answerLeaseHeartbeat } from './heartbeat/lease-heartbeat-answer';
export type { LeaseHeartbeatAnswer } from './heartbeat/lease-heartbeat-answer';
export { answerLeaseRequest } from './lease-request-answer';
export type { LeaseRequestAnswer } from './lease-request-answer';

// Stores
export { MemoryWorkStore } from './store/memory-work.store';
export { EtcdWorkStore } from './store/etcd-work.store';
export type { EtcdWorkStoreOptions, SweepFence } from './store/etcd-work.store';
export type { ClaimedItem, HeldLeaseRenewal, Released, StoredLease, WorkCounts, WorkStore, WorkStoreLimits } from './store/work-store.interface';

// Worker client of the work API
export { WorkerAgentService } from './client/worker-agent.service';
export { JsonHttpClient } from './client/json-http-client';
export type { HttpAnswer, JsonHttpClientOptions, WorkApiTls, WorkApiTransport, WorkerAgentSettings } from './interfaces/work-api-client.interfaces';
