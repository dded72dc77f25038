import type { LoggerService } from '@nestjs/common';
import type { Clock } from '../../tracker/clock';
import type { PeerLeaseHealthTrackerOptions } from '../../tracker/interfaces/peer-lease-health-tracker-options.interface';
import type { PeerHealthMetricRegistry } from '../../telemetry/prom-client-like';

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

/** Options that may come from a factory (`forRootAsync`). Everything is optional. */
export interface PeerHealthModuleOptions extends PeerLeaseHealthTrackerOptions {
  /**
   * How long the endpoint waits for an async snapshot provider before serving without it
   * (default 200). The answer then carries the `X-Peer-Health-Partial` header.
   */
  readonly providerTimeoutMs?: number;
  readonly telemetry?: PeerHealthTelemetryOptions;
}

/** Static options that shape the module itself, given to `forRoot` and `forRootAsync` alike. */
export interface PeerHealthModuleExtras {
  /** Make the tracker and the provider token injectable everywhere (default `true`). */
  readonly isGlobal?: boolean;
  /** Serve `GET <pathPrefix>/lease-health` (default `true`). Turn off to mount your own route. */
  readonly controller?: boolean;
  /** Prefix of the diagnostics route (default `/omnirelay/control`). */
  readonly pathPrefix?: string;
}

export interface ResolvedPeerHealthOptions {
  readonly providerTimeoutMs: number;
  /** The longest peer id the tracker accepts; the endpoint's `peerId` filter accepts the same (default 256). */
  readonly maxPeerIdLength?: number;
  /** The tracker's clock; it also paces the provider failure log (default: the system clock). */
  readonly clock?: Clock;
  /** The module's `logger` option: provider failures are logged there too (default: Nest's Logger). */
  readonly logger?: Pick<LoggerService, 'warn'>;
  readonly telemetry: { readonly enabled: boolean | 'auto'; readonly registry: PeerHealthMetricRegistry | undefined };
}
