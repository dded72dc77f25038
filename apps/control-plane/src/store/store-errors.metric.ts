import { Counter, register } from 'prom-client';

export const STORE_ERRORS_METRIC = 'omnirelay_store_errors_total';

/** Failed calls to the external store, by the part of the host that made them. */
export type StoreComponent = 'leadership' | 'dispatcher';

/**
 * The counter of store errors in the default registry (the one /metrics serves). Looked up before it
 * is made, so several hosts in one process (tests) share it instead of failing to register it twice.
 */
export function storeErrorsCounter(): Counter<'component'> {
  const existing = register.getSingleMetric(STORE_ERRORS_METRIC);
  if (existing instanceof Counter) return existing;
  const counter = new Counter({
    name: STORE_ERRORS_METRIC,
    help: 'Failed calls to the external store (etcd), by component',
    labelNames: ['component'],
  });
  // Both series exist from zero, so an alert can compare them before the first error.
  counter.inc({ component: 'leadership' }, 0);
  counter.inc({ component: 'dispatcher' }, 0);
  return counter;
}
