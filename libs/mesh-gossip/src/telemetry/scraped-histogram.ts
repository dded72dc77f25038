import type { PlainHistogram } from './plain-histogram';
import { Histogram, type MetricType } from 'prom-client';

// prom-client's typings declare MetricType as a numeric enum its JavaScript never exports; the
// registry prints `type` as is, so the value must be the string.
const HISTOGRAM_TYPE = 'histogram' as unknown as MetricType;

type Snapshot = Awaited<ReturnType<Histogram['get']>>;
type Series = Snapshot['values'][number];

/** One label set of a scraped histogram and the plain numbers behind it. */
export interface HistogramSource {
  readonly labels: Record<string, string>;
  readonly histogram: PlainHistogram;
}

/**
 * A prom-client histogram whose samples come from plain-number histograms when Prometheus scrapes
 * (one per label set), so observing a value never touches prom-client.
 */
export class ScrapedHistogram extends Histogram {
  constructor(
    private readonly metricName: string,
    private readonly metricHelp: string,
    labelNames: readonly string[],
    private readonly read: () => readonly HistogramSource[],
  ) {
    super({ name: metricName, help: metricHelp, labelNames, registers: [] });
  }

  override get(): Promise<Snapshot> {
    const values: Series[] = [];
    const name = this.metricName;
    for (const { labels, histogram } of this.read()) {
      for (const { le, value } of histogram.cumulative()) values.push({ metricName: `${name}_bucket`, labels: { ...labels, le }, value });
      values.push({ metricName: `${name}_sum`, labels, value: histogram.sum });
      values.push({ metricName: `${name}_count`, labels, value: histogram.count });
    }
    const snapshot: Snapshot = { name, help: this.metricHelp, type: HISTOGRAM_TYPE, values, aggregator: 'sum', collect: () => undefined };
    return Promise.resolve(snapshot);
  }

  /** The registry prefers this one when present: the same samples. */
  getForPromString(): Promise<Snapshot> {
    return this.get();
  }
}
