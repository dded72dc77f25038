/** The options given to `ResourceLeaseModule.forRoot`. */
export const RESOURCE_LEASE_OPTIONS = Symbol('RESOURCE_LEASE_OPTIONS');
/** The WorkStore the dispatcher keeps its items in (default: a MemoryWorkStore). */
export const WORK_STORE = Symbol('WORK_STORE');
