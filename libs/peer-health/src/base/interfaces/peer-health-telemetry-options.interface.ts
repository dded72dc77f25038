import type { Registry } from 'prom-client';

export interface PeerHealthTelemetryOptions {
  /**
   * `'auto'` (default): on when the host imports `PrometheusModule` from `@willsoto/nestjs-prometheus`.
   * `true`: always on (prom-client must be installed). `false`: off.
   */
  readonly enabled?: boolean | 'auto';
  /** Registry the metrics are registered in (default: prom-client's global registry, the one the Prometheus module serves). */
  readonly registry?: Registry;
}

/** The module options after defaults and validation, as the diagnostics and telemetry services read them. */
export interface ResolvedPeerHealthOptions {
  readonly providerTimeoutMs: number;
  readonly telemetry: { readonly enabled: boolean | 'auto'; readonly registry: Registry | undefined };
}
