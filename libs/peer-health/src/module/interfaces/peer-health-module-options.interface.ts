import type { CanActivate, Type } from '@nestjs/common';
import type { PeerHealthEventStreamOptions } from '../../base/interfaces/peer-health-event-stream-options.interface';
import type { PeerHealthTelemetryOptions } from '../../base/interfaces/peer-health-telemetry-options.interface';
import type { PeerLeaseHealthTrackerOptions } from '../../tracker/interfaces/peer-lease-health-tracker-options.interface';

/**
 * Options of `PeerHealthModule.forRoot(options)`, or what a `forRootAsync()` factory returns: the
 * tracker's options plus the endpoint's and telemetry's. Everything is optional; every option is
 * checked at start-up and a bad one stops the application with a `PeerHealthConfigurationError`.
 */
export interface PeerHealthModuleOptions extends PeerLeaseHealthTrackerOptions {
  /**
   * How long, in milliseconds, the endpoint waits for an async snapshot provider before serving the
   * others without it (counted as `provider-timeout`; the answer then carries the
   * `X-Peer-Health-Partial` header). A positive finite number (default 200).
   */
  readonly providerTimeoutMs?: number;
  /** Bounds of the event stream `GET <pathPrefix>/lease-health/events` (replay ring, unread bytes, keep-alive, watchers). */
  readonly events?: PeerHealthEventStreamOptions;
  /** Prometheus export: on when the host imports `PrometheusModule` (`enabled: 'auto'`, the default). */
  readonly telemetry?: PeerHealthTelemetryOptions;
}

/** Decides from a request's headers whether the 304 shortcut may answer it (see `notModifiedAuthorizer`). */
export type NotModifiedAuthorizer = (headers: Readonly<Record<string, string | string[] | undefined>>) => boolean;

/**
 * Static options that shape the module itself, given to `forRoot` and `forRootAsync` alike (they
 * decide which providers and routes exist, so they cannot come from an async factory).
 */
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
  /**
   * On Fastify, a conditional GET whose ETag still matches is answered 304 from an onRequest hook,
   * before Nest's guards could run. So when guards protect the route (these `guards`, or global ones
   * such as an `APP_GUARD`), that shortcut is off, and the route answers 304 itself after its guards,
   * unless this function says which requests the shortcut may answer: true only for requests the
   * guards would let through. Every other request goes through Nest and its guards as usual.
   */
  readonly notModifiedAuthorizer?: NotModifiedAuthorizer;
  /**
   * Serve `GET <pathPrefix>/dashboard`, a self-contained page (no external resources) over the
   * endpoint and its event stream (default `false`). The page carries no data: it is served outside
   * `guards` unless `guardDashboard` is true; its data requests go through the guards.
   */
  readonly dashboard?: boolean;
  /** Put the dashboard page itself behind `guards` too (default `false`: the page is public, its data is not). */
  readonly guardDashboard?: boolean;
  /**
   * Keep the kit's routes out of `@nestjs/throttler`'s guards, as `@SkipThrottle()` would (the kit
   * writes that metadata itself and does not need the package): `true` skips the `default`
   * throttler, a list of names skips those named throttlers. Default `false`.
   */
  readonly skipThrottle?: boolean | readonly string[];
  /**
   * `@nestjs/swagger` metadata of the kit's routes, applied when that package is installed (default
   * `true`); `false` leaves the routes out of the OpenAPI document (`@ApiExcludeController()`).
   */
  readonly openApi?: boolean;
}
