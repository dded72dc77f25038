import { systemClock } from '../base/clock';
import { objectWithMethodsOption, positiveIntegerOption, positiveNumberOption } from '../base/option-checks';
import { describeValue } from '../base/errors/describe-value';
import { PeerHealthConfigurationError } from '../base/errors/peer-health-configuration.error';
import type { ResolvedPeerHealthOptions } from '../base/interfaces/peer-health-telemetry-options.interface';
import type { PeerHealthModuleOptions } from './interfaces/peer-health-module-options.interface';
import { refuseUnknownOptions } from './option-keys';
import type { KitRouteConventions } from './interfaces/kit-route-conventions.interface';
import { DEFAULT_MAX_PEER_ID_LENGTH, DEFAULT_PROVIDER_TIMEOUT_MS } from '../base/peer-health.defaults';

/** Validates the module-level options (the tracker validates its own) and applies defaults. */
export function resolvePeerHealthOptions(options: PeerHealthModuleOptions | undefined): ResolvedPeerHealthOptions {
  // Options may come from a factory or from JavaScript: check what arrived, not what the types promise.
  const given: unknown = options;
  if (given !== undefined && (typeof given !== 'object' || given === null)) {
    throw new PeerHealthConfigurationError('options', `PeerHealthModule options must be an object, got ${describeValue(options)}.`);
  }
  if (options !== undefined) refuseUnknownOptions(options);
  const telemetry = options?.telemetry ?? {};
  const enabled: unknown = telemetry.enabled ?? 'auto';
  if (enabled !== true && enabled !== false && enabled !== 'auto') {
    throw new PeerHealthConfigurationError(
      'telemetry.enabled',
      `Option 'telemetry.enabled' must be true, false or 'auto', got ${describeValue(enabled)}.`,
    );
  }
  objectWithMethodsOption('telemetry.registry', telemetry.registry, ['registerMetric', 'getSingleMetric']);
  objectWithMethodsOption('clock', options?.clock, ['now']);
  const events = options?.events;
  const givenEvents: unknown = events;
  if (givenEvents !== undefined && (typeof givenEvents !== 'object' || givenEvents === null)) {
    throw new PeerHealthConfigurationError('events', `Option 'events' must be an object, got ${describeValue(givenEvents)}.`);
  }
  return {
    events: events && {
      replayEvents: positiveIntegerOption('events.replayEvents', events.replayEvents, 1024),
      maxUnreadBytes: positiveIntegerOption('events.maxUnreadBytes', events.maxUnreadBytes, 256 * 1024),
      keepAliveMs: positiveIntegerOption('events.keepAliveMs', events.keepAliveMs, 15_000),
      maxWatchers: positiveIntegerOption('events.maxWatchers', events.maxWatchers, 256),
      maxWatchersPerCredential: positiveIntegerOption('events.maxWatchersPerCredential', events.maxWatchersPerCredential, 16),
    },
    providerTimeoutMs: positiveNumberOption('providerTimeoutMs', options?.providerTimeoutMs, DEFAULT_PROVIDER_TIMEOUT_MS),
    maxPeerIdLength: positiveIntegerOption('maxPeerIdLength', options?.maxPeerIdLength, DEFAULT_MAX_PEER_ID_LENGTH),
    clock: options?.clock ?? systemClock,
    logger: options?.logger,
    telemetry: { enabled, registry: telemetry.registry },
  };
}

/** `pathPrefix` must be a route path: starting with '/', no whitespace, no query or fragment. */
export function checkPathPrefix(pathPrefix: unknown): string {
  if (typeof pathPrefix !== 'string' || !/^\/[^\s?#]*$/.test(pathPrefix)) {
    throw new PeerHealthConfigurationError(
      'pathPrefix',
      `Option 'pathPrefix' must be a path starting with '/', got ${describeValue(pathPrefix)}.`,
    );
  }
  return pathPrefix.replace(/\/+$/, '') || '/';
}

/** `skipThrottle` and `openApi`, checked: they decorate the kit's controllers when the module is defined. */
export function checkRouteConventions(extras: { readonly skipThrottle?: unknown; readonly openApi?: unknown }): KitRouteConventions {
  const { skipThrottle = false, openApi = true } = extras;
  const names = Array.isArray(skipThrottle) ? (skipThrottle as readonly unknown[]) : undefined;
  if (typeof skipThrottle !== 'boolean' && !(names?.every((name) => typeof name === 'string' && name.length > 0) ?? false)) {
    throw new PeerHealthConfigurationError(
      'skipThrottle',
      `Option 'skipThrottle' must be true, false or a list of throttler names, got ${describeValue(skipThrottle)}.`,
    );
  }
  if (typeof openApi !== 'boolean') {
    throw new PeerHealthConfigurationError('openApi', `Option 'openApi' must be true or false, got ${describeValue(openApi)}.`);
  }
  return { skipThrottle: names ? (names as readonly string[]) : (skipThrottle as boolean), openApi };
}
