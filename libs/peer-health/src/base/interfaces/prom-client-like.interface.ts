/*
 * The parts of prom-client the kit uses, described by their shape. prom-client is an optional peer:
 * the published declarations must type-check in an app that does not install it, so nothing here
 * imports its types. prom-client's own classes and registries satisfy these interfaces.
 */

/** A metric object the kit created, as the registry sees it (every prom-client metric can reset). */
export interface PeerHealthMetricLike {
  reset(): void;
}

/** What the kit calls on a registry: prom-client's `Registry` (or its global `register`) fits. */
export interface PeerHealthMetricRegistry {
  registerMetric(metric: PeerHealthMetricLike): void;
  getSingleMetric(name: string): unknown;
}

interface MetricConfiguration<TMetric> {
  name: string;
  help: string;
  labelNames?: readonly string[];
  /** Always empty: the kit registers its metrics itself, once per registry. */
  registers: never[];
  collect?: (this: TMetric) => void;
}

/** What the kit calls on a gauge while Prometheus scrapes. */
export interface PeerHealthGaugeLike extends PeerHealthMetricLike {
  set(value: number): void;
}

/** What the kit calls on a counter while Prometheus scrapes. */
export interface PeerHealthCounterLike extends PeerHealthMetricLike {
  inc(labels: Record<string, string>, value: number): void;
}

/** The parts of the prom-client module the exporter uses; pass the module the host's Prometheus setup uses. */
export interface PromClientModule {
  readonly Gauge: new (configuration: MetricConfiguration<PeerHealthGaugeLike>) => PeerHealthGaugeLike;
  readonly Counter: new (configuration: MetricConfiguration<PeerHealthCounterLike>) => PeerHealthCounterLike;
}
