import type { ResourceLeaseOptions } from './interfaces/resource-lease.interfaces';
import type { StoredLease, WorkStore, WorkStoreLimits } from './store/work-store.interface';

/** `ResourceLeaseModule.forRoot` options: the limits, and where the items live. */
export interface ResourceLeaseModuleOptions extends ResourceLeaseOptions {
  /** Builds the store from the resolved limits (default: an in-memory MemoryWorkStore). */
  readonly store?: (limits: WorkStoreLimits) => WorkStore;
  /** Called with every failed store call (the host counts them in a metric). */
  readonly onStoreError?: (error: unknown) => void;
  /** Called once per accepted completion, after the store committed it (a completion log). */
  readonly onCompleted?: (lease: StoredLease) => void;
}
