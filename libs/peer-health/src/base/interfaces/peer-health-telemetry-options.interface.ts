import type { Clock } from './clock.interface';
import type { PeerHealthMetricRegistry } from './prom-client-like.interface';

/** Whether and where the kit exports its Prometheus metrics (`telemetry` of the module options). */
export interface PeerHealthTelemetryOptions {
  /**
   * `'auto'` (default): on when the host imports `PrometheusModule` from `@willsoto/nestjs-prometheus`.
   * `true`: always on (prom-client must be installed). `false`: off.
   */
  readonly enabled?: boolean | 'auto';
  /**
   * Registry the metrics are registered in (default: prom-client's global registry, the one the
   * Prometheus module serves). A prom-client `Registry`; typed by the two methods the kit calls.
   */
  readonly registry?: PeerHealthMetricRegistry;
}

/** The module options after defaults and validation, as the diagnostics and telemetry services read them. */
export interface ResolvedPeerHealthOptions {
  readonly providerTimeoutMs: number;
  /** The longest peer id the tracker accepts; the endpoint's `peerId` filter accepts the same (default 256). */
  readonly maxPeerIdLength?: number;
  /** The tracker's clock; it also paces the provider failure log (default: the system clock). */
  readonly clock?: Clock;
  /** The module's `logger` option: provider failures are logged there too (default: Nest's Logger). */
  readonly logger?: { warn(message: string): void };
  readonly telemetry: { readonly enabled: boolean | 'auto'; readonly registry: PeerHealthMetricRegistry | undefined };
}
