// The public surface: what an application calls, and the types of what it passes and gets back.
// Everything else of the kit is internal (tests import it by its path under the test alias); what
// files must share is tagged internal (JSDoc) and stripped from the declarations.

// Tracker
export { PeerLeaseHealthTracker } from './tracker/peer-lease-health.tracker';
export { PeerRecorder } from './tracker/peer-recorder';
export { PEER_HEALTH_DEFAULTS } from './base/peer-health.defaults';
export { LEASE_EXPIRED_REASON } from './base/peer-health.reasons';
export type { PeerLeaseHealthCounts } from './tracker/interfaces/peer-lease-health-counts.interface';
export type { PeerLeaseHandle } from './base/interfaces/peer-lease-handle.interface';
export type { PeerLeaseHealthSnapshot, PeerLeaseHealthSummary } from './base/interfaces/peer-lease-health-snapshot.interface';
export type {
  PeerHealthStatus,
  PeerHealthTransition,
  PeerHealthTransitionListener,
  PeerHealthTransitionReason,
} from './base/interfaces/peer-health-transition.interface';
export type {
  PeerLeaseHealthTrackerOptions,
  PeerMetadataLimits,
  PeerFlappingOptions,
} from './tracker/interfaces/peer-lease-health-tracker-options.interface';
export { GracePeriodPolicy } from './tracker/health-policy/grace-period.policy';
export type { GracePeriodPolicyOptions } from './tracker/interfaces/grace-period-policy-options.interface';
export { PhiAccrualPolicy } from './tracker/health-policy/phi-accrual.policy';
export type { PhiPeerHistory } from './tracker/health-policy/phi-accrual.policy';
export type { PeerHealthPolicy } from './tracker/interfaces/peer-health-policy.interface';
export type { PhiAccrualPolicyOptions } from './tracker/interfaces/phi-accrual-policy-options.interface';
export { ManualClock, systemClock, systemTimers } from './base/clock';
export type { Clock, PeerHealthTimers, ScheduledTimer } from './base/clock';
export { PeerHealthInputError } from './base/errors/peer-health-input.error';
export { PeerHealthConfigurationError } from './base/errors/peer-health-configuration.error';
export { PEER_HEALTH_ERROR_CODES } from './base/errors/peer-health-error-codes';
export type {
  PeerHealthProducerChannel,
  PeerHealthProducerChannelOptions,
  PeerHealthProducerChannelState,
  PeerHealthProducerHandle,
} from './base/interfaces/peer-health-producer.interface';
export { PeerHealthProducerBackpressureError } from './base/errors/peer-health-producer-backpressure.error';
export { PeerHealthProducerClosedError } from './base/errors/peer-health-producer-closed.error';
export {
  GOSSIP_LEFT_REASON,
  gossipMemberMetadata,
  recordGossipMember,
  leadershipMetadataKey,
  recordLeadership,
} from './tracker/gossip-enrichment';
export type { GossipMemberMetadata, LeadershipRole } from './tracker/gossip-enrichment';

// Providers
export { PeerHealthSnapshotProvider } from './providers/peer-health-snapshot-provider';
export { RemoteLeaseHealthProvider } from './providers/remote-lease-health.provider';
export { RemoteLeaseHealthReadError } from './base/errors/remote-lease-health-read.error';
export type {
  RemoteLeaseHealthProviderOptions,
  RemoteLeaseHealthTargets,
  RemoteLeaseHealthTls,
} from './base/interfaces/remote-lease-health-provider-options.interface';
export type { PeerHealthProviderAnswer, PeerHealthMissingSource } from './base/interfaces/peer-health-provider-answer.interface';

// Diagnostics
export { PeerLeaseHealthDiagnostics } from './diagnostics/peer-lease-health-diagnostics';
export type { SnapshotInput } from './diagnostics/peer-lease-health-diagnostics';
export { serializeLeaseHealth } from './diagnostics/lease-health.serializer';
export { PeerHealthDiagnosticsService } from './diagnostics/peer-health-diagnostics.service';
export { PeerHealthEligibility } from './diagnostics/fan-out/peer-health-eligibility';
export { LeaseHealthEventHub } from './diagnostics/events/lease-health-event-hub';
export type { PeerHealthEventStreamOptions } from './base/interfaces/peer-health-event-stream-options.interface';
export type {
  PeerHealthAnomalyEvent,
  PeerHealthAnomalyListener,
  PeerHealthLeadershipChange,
  PeerHealthLeadershipListener,
} from './base/interfaces/peer-health-stream-events.interface';
export type { RenderedLeaseHealth, HeldLeaseHealth } from './diagnostics/peer-health-diagnostics.service';
export { parseLeaseHealthQuery, MAX_PAGE_LIMIT } from './diagnostics/lease-health-query';
export type { LeaseHealthQuery } from './diagnostics/lease-health-query';

// Telemetry
export { PEER_HEALTH_METRICS } from './telemetry/peer-health-metric-names';
export { PEER_HEALTH_ANOMALY_KINDS } from './base/peer-health-anomaly';
export type { PeerHealthAnomalyKind } from './base/peer-health-anomaly';
export { OVERFLOW_LABEL_VALUE } from './tracker/label-value-cap';
export { PeerHealthMetrics } from './telemetry/peer-health-metrics';
export type {
  PromClientModule,
  PeerHealthMetricRegistry,
  PeerHealthMetricLike,
  PeerHealthGaugeLike,
  PeerHealthCounterLike,
} from './base/interfaces/prom-client-like.interface';
export type { PeerHealthAlert, PeerHealthAlertPublisher } from './base/interfaces/peer-health-alert.interface';

// Module
export { PeerHealthModule } from './module/peer-health.module';
export type { PeerHealthFeatureOptions } from './module/peer-health.module';
export { PEER_HEALTH_SNAPSHOT_PROVIDERS, PEER_HEALTH_ALERT_PUBLISHER } from './base/peer-health.constants';
export { DEFAULT_LEASE_HEALTH_PATH_PREFIX, DEFAULT_LEASE_HEALTH_PATH } from './base/peer-health.routes';
export {
  DEFAULT_PROVIDER_TIMEOUT_MS,
  DEFAULT_REMOTE_TIMEOUT_MS,
  DEFAULT_REMOTE_MAX_BODY_BYTES,
  DEFAULT_REMOTE_MAX_TARGETS,
} from './base/peer-health.defaults';
export { PARTIAL_ANSWER_HEADER, FEDERATED_READ_HEADER } from './base/peer-health.headers';
export { PEER_HEALTH_MODULE_OPTIONS } from './module/peer-health.module-definition';
export type {
  PeerHealthFeatureProvider,
  PeerHealthClassProvider,
  PeerHealthValueProvider,
  PeerHealthFactoryProvider,
} from './providers/feature-snapshot-provider';
export type {
  NotModifiedAuthorizer,
  PeerHealthModuleOptions,
  PeerHealthModuleExtras,
} from './module/interfaces/peer-health-module-options.interface';
export type { PeerHealthTelemetryOptions } from './base/interfaces/peer-health-telemetry-options.interface';
