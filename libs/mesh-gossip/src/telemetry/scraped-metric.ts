import { Counter, Gauge, register, type Metric } from 'prom-client';
import { ScrapedHistogram, type HistogramSource } from './scraped-histogram';

/** One metric read from a source's plain numbers when Prometheus scrapes: its name and how to make it. */
export interface ScrapedMetricSpec<S> {
  readonly name: string;
  create(source: S): Metric;
}

type Labels = Record<string, string>;

/**
 * A counter whose label sets are rebuilt from the source's running totals at every scrape
 * (`fill` calls `inc` once per label set with the absolute total).
 */
export function scrapedCounter<S>(
  name: string,
  help: string,
  labelNames: readonly string[],
  fill: (source: S, inc: (labels: Labels, value: number) => void) => void,
): ScrapedMetricSpec<S> {
  return {
    name,
    create: (source) =>
      new Counter({
        name,
        help,
        labelNames,
        registers: [],
        collect() {
          this.reset();
          fill(source, (labels, value) => this.inc(labels, value));
        },
      }),
  };
}

/** A gauge set from the source at every scrape (`fill` calls `set` once per label set). */
export function scrapedGauge<S>(
  name: string,
  help: string,
  labelNames: readonly string[],
  fill: (source: S, set: (labels: Labels, value: number) => void) => void,
): ScrapedMetricSpec<S> {
  return {
    name,
    create: (source) =>
      new Gauge({
        name,
        help,
        labelNames,
        registers: [],
        collect() {
          fill(source, (labels, value) => this.set(labels, value));
        },
      }),
  };
}

/** A histogram whose samples come from the source's plain-number histograms, one per label set. */
export function scrapedHistogram<S>(
  name: string,
  help: string,
  labelNames: readonly string[],
  read: (source: S) => readonly HistogramSource[],
): ScrapedMetricSpec<S> {
  return { name, create: (source) => new ScrapedHistogram(name, help, labelNames, () => read(source)) };
}

/**
 * Puts a metric read at scrape time on the registry `/metrics` serves, unless one of that name is
 * there already (a second app in the process keeps the first one's: never "already registered").
 * Returns what to call on shutdown: removes the metric only if it is still the one registered here.
 * @internal
 */
export function registerScrapedMetric(name: string, create: () => Metric): () => void {
  if (register.getSingleMetric(name)) return () => undefined;
  const metric = create();
  register.registerMetric(metric);
  return () => {
    if (register.getSingleMetric(name) === metric) register.removeSingleMetric(name);
  };
}
