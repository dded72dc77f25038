import type { Clock } from './clock.interface';
import type { PeerHealthEventStreamOptions } from './peer-health-event-stream-options.interface';
import type { PeerHealthMetricRegistry } from './prom-client-like.interface';

/** The `telemetry` option of `PeerHealthModule.forRoot()`: whether and where the kit's Prometheus metrics are registered. */
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
  /** Bounds of the event stream, as given (the stream applies its defaults). */
  readonly events?: PeerHealthEventStreamOptions;
  readonly telemetry: { readonly enabled: boolean | 'auto'; readonly registry: PeerHealthMetricRegistry | undefined };
}
