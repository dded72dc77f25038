import type { CanActivate, Type } from '@nestjs/common';
import type { Registry } from 'prom-client';
import type { PeerLeaseHealthTrackerOptions } from '../../tracker/interfaces/peer-lease-health-tracker-options.interface';

export interface PeerHealthTelemetryOptions {
  /**
   * `'auto'` (default): on when the host imports `PrometheusModule` from `@willsoto/nestjs-prometheus`.
   * `true`: always on (prom-client must be installed). `false`: off.
   */
  readonly enabled?: boolean | 'auto';
  /** Registry the metrics are registered in (default: prom-client's global registry, the one the Prometheus module serves). */
  readonly registry?: Registry;
}

/** Options that may come from a factory (`forRootAsync`). Everything is optional. */
export interface PeerHealthModuleOptions extends PeerLeaseHealthTrackerOptions {
  /** How long the endpoint waits for an async snapshot provider before serving without it (default 2000). */
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
  /**
   * Guards of the kit's routes only (as with `@UseGuards`), on top of the host's global guards: for
   * example an auth guard when the rest of the app is public. Guard classes are instantiated in the
   * kit's module, so their dependencies must be global providers; or pass instances.
   */
  readonly guards?: readonly (Type<CanActivate> | CanActivate)[];
}

export interface ResolvedPeerHealthOptions {
  readonly providerTimeoutMs: number;
  readonly telemetry: { readonly enabled: boolean | 'auto'; readonly registry: Registry | undefined };
}
