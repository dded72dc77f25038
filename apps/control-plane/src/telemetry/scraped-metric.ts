import { register, type Metric } from 'prom-client';

/**
 * Puts a metric read at scrape time on the registry `/metrics` serves, unless one of that name is
 * there already (a second app in the process keeps the first one's: never "already registered").
 * Returns what to call on shutdown: removes the metric only if it is still the one registered here.
 */
export function registerScrapedMetric(name: string, create: () => Metric): () => void {
  if (register.getSingleMetric(name)) return () => undefined;
  const metric = create();
  register.registerMetric(metric);
  return () => {
    if (register.getSingleMetric(name) === metric) register.removeSingleMetric(name);
  };
}
