import { describeValue, PeerHealthConfigurationError } from '../base/errors/peer-health.errors';
import type { PeerHealthAlertPublisher } from '../base/interfaces/peer-health-alert.interface';
import { objectWithMethodsOption, positiveIntegerOption, positiveNumberOption } from '../base/option-checks';
import { PEER_HEALTH_DEFAULTS } from '../base/peer-health.defaults';
import { isPeerHealthTimers, systemClock, systemTimers, type Clock, type PeerHealthTimers } from './clock';
import type { PeerLeaseHealthTrackerOptions } from './interfaces/peer-lease-health-tracker-options.interface';
import type { ResolvedMetadataLimits } from './peer-metadata';

/** What the tracker logs through. */
export interface TrackerLogger {
  warn(message: string): void;
  error(message: string): void;
}

/** The tracker's options, checked, with every default applied. */
export interface TrackerSettings {
  readonly heartbeatGracePeriodMs: number;
  readonly retentionMs: number;
  readonly maxPeers: number;
  readonly maxPeerIdLength: number;
  readonly metadataLimits: ResolvedMetadataLimits;
  readonly flapTransitions: number;
  readonly flapWindowMs: number;
  readonly maxPeerLabelValues: number;
  readonly maxLabelValues: number;
  readonly clock: Clock;
  readonly timers: PeerHealthTimers;
  readonly alertPublisher: PeerHealthAlertPublisher | undefined;
  readonly logger: TrackerLogger | undefined;
}

/** Checks every option, naming the one that cannot work; the tracker is never built half-configured. */
export function resolveTrackerSettings(options: PeerLeaseHealthTrackerOptions | undefined): TrackerSettings {
  const given: unknown = options;
  if (given !== undefined && (typeof given !== 'object' || given === null)) {
    throw new PeerHealthConfigurationError('options', `The tracker's 'options' must be an object, got ${describeValue(given)}.`);
  }
  const o = options ?? {};
  const defaults = PEER_HEALTH_DEFAULTS;
  const grace = positiveNumberOption('heartbeatGracePeriodMs', o.heartbeatGracePeriodMs, defaults.heartbeatGracePeriodMs);
  const retention = positiveNumberOption('retentionMs', o.retentionMs, defaults.retentionMs, true);
  if (retention < grace) {
    throw new PeerHealthConfigurationError(
      'retentionMs',
      `Option 'retentionMs' (${retention}) must not be shorter than 'heartbeatGracePeriodMs' (${grace}): a peer would be forgotten before it could turn unhealthy.`,
    );
  }
  objectWithMethodsOption('clock', o.clock, ['now']);
  objectWithMethodsOption('timers', o.timers, ['schedule']);
  objectWithMethodsOption('alertPublisher', o.alertPublisher, ['publish']);
  objectWithMethodsOption('logger', o.logger, ['warn', 'error']);
  const limits = o.metadataLimits ?? {};
  const flapping = o.flapping ?? {};
  const clock = o.clock ?? systemClock;
  return {
    heartbeatGracePeriodMs: grace,
    retentionMs: retention,
    maxPeers: o.maxPeers === Infinity ? Infinity : positiveIntegerOption('maxPeers', o.maxPeers, defaults.maxPeers),
    maxPeerIdLength: positiveIntegerOption('maxPeerIdLength', o.maxPeerIdLength, defaults.maxPeerIdLength),
    metadataLimits: {
      maxEntriesPerPeer: positiveIntegerOption(
        'metadataLimits.maxEntriesPerPeer',
        limits.maxEntriesPerPeer,
        defaults.metadataLimits.maxEntriesPerPeer,
      ),
      maxKeyLength: positiveIntegerOption('metadataLimits.maxKeyLength', limits.maxKeyLength, defaults.metadataLimits.maxKeyLength),
      maxValueLength: positiveIntegerOption(
        'metadataLimits.maxValueLength',
        limits.maxValueLength,
        defaults.metadataLimits.maxValueLength,
      ),
    },
    flapTransitions: positiveIntegerOption('flapping.transitions', flapping.transitions, defaults.flapping.transitions),
    flapWindowMs: positiveNumberOption('flapping.windowMs', flapping.windowMs, defaults.flapping.windowMs),
    maxPeerLabelValues: positiveIntegerOption('maxPeerLabelValues', o.maxPeerLabelValues, defaults.maxPeerLabelValues),
    maxLabelValues: positiveIntegerOption('maxLabelValues', o.maxLabelValues, defaults.maxLabelValues),
    clock,
    timers: o.timers ?? (isPeerHealthTimers(clock) ? clock : systemTimers),
    alertPublisher: o.alertPublisher,
    logger: o.logger,
  };
}
