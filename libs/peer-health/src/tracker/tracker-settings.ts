import { describeValue } from '../base/errors/describe-value';
import { PeerHealthConfigurationError } from '../base/errors/peer-health-configuration.error';
import type { PeerHealthAlertPublisher } from '../base/interfaces/peer-health-alert.interface';
import { objectWithMethodsOption, positiveIntegerOption, positiveNumberOption } from '../base/option-checks';
import { PEER_HEALTH_DEFAULTS } from '../base/peer-health.defaults';
import { isPeerHealthTimers, systemClock, systemTimers, type Clock, type PeerHealthTimers } from '../base/clock';
import { GracePeriodPolicy } from './health-policy/grace-period.policy';
import type { PeerHealthPolicy } from './interfaces/peer-health-policy.interface';
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
  /** The policy to consult on every sign of life; undefined for the grace-period rule, applied inline. */
  readonly healthPolicy: PeerHealthPolicy | undefined;
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
  const { grace, healthPolicy } = resolveHealthPolicy(o);
  const retention = positiveNumberOption('retentionMs', o.retentionMs, defaults.retentionMs, true);
  // Only the grace-period rule has a known longest healthy silence to compare the retention with.
  if (healthPolicy === undefined && retention < grace) {
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
    healthPolicy,
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

/**
 * The grace period and the policy. The grace-period rule, by default or given as a GracePeriodPolicy,
 * becomes `healthPolicy: undefined`: the tracker applies it inline, without a call per heartbeat.
 */
function resolveHealthPolicy(o: PeerLeaseHealthTrackerOptions): { grace: number; healthPolicy: PeerHealthPolicy | undefined } {
  const policy: unknown = o.healthPolicy;
  if (policy === undefined) {
    return {
      grace: positiveNumberOption('heartbeatGracePeriodMs', o.heartbeatGracePeriodMs, PEER_HEALTH_DEFAULTS.heartbeatGracePeriodMs),
      healthPolicy: undefined,
    };
  }
  objectWithMethodsOption('healthPolicy', policy, ['createPeerHistory', 'recordArrival']);
  if (o.heartbeatGracePeriodMs !== undefined) {
    throw new PeerHealthConfigurationError(
      'healthPolicy',
      "Give either 'heartbeatGracePeriodMs' or 'healthPolicy', not both: the policy decides how long a peer stays healthy.",
    );
  }
  if (policy instanceof GracePeriodPolicy) return { grace: policy.gracePeriodMs, healthPolicy: undefined };
  return { grace: PEER_HEALTH_DEFAULTS.heartbeatGracePeriodMs, healthPolicy: o.healthPolicy };
}
