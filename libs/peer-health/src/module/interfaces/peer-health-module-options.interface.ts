import type { PeerHealthTelemetryOptions } from '../../base/interfaces/peer-health-telemetry-options.interface';
import type { PeerLeaseHealthTrackerOptions } from '../../tracker/interfaces/peer-lease-health-tracker-options.interface';

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
