// The public API of @omnirelay/mesh-gossip: what an application, the host and the docs use. Tests
// of the internals import them by path (`@internal/mesh-gossip/<path>`).

// The module, its service and options.
export { MeshGossipModule } from './mesh-gossip.module';
export { MeshGossipService } from './mesh-gossip.service';
export type { MembershipListener, MeshGossipStats } from './mesh-gossip.service';
export { MESH_GOSSIP_OPTIONS } from './mesh-gossip.constants';
export { GOSSIP_LIMITS } from './mesh-gossip.limits';
export { GOSSIP_ROUTES } from './mesh-gossip.routes';
export type { MeshGossipOptions } from './interfaces/mesh-gossip-options.interface';
export type { GossipRoundTiming } from './interfaces/gossip-round-timing.interface';
export type { GossipTlsOptions } from './gossip-http-client';
export type { MeshLogFormat, MeshAuditEvent, MeshAuditEventKind } from './telemetry/mesh-audit-log';
export type {
  GossipDigestEntry,
  GossipMemberInfo,
  GossipMemberState,
  GossipMemberView,
  GossipMessage,
  GossipProbeResult,
} from './interfaces/gossip-member.interface';
export type { GossipInboundOutcome } from './interfaces/gossip-inbound-outcome.interface';
// Types of the service's counters and histograms (MeshGossipService.stats(), probeCounters, rtt...).
export type { GossipMessageCounters, GossipOutboundOutcome } from './gossip-protocol';
export type { MemberChange } from './membership/member-change';
export type { MembershipCounters } from './membership/membership-counters';
export type { ProbeCounters, ProbePlan } from './indirect-probes';
export type { PlainHistogram } from './telemetry/plain-histogram';

// Keys, node identities and the address allow-list, which a host reads from its flags and files.
export { GossipKeyring, decodeGossipKey, GOSSIP_KEY_BYTES, GOSSIP_KEYRING_MAX } from './security/gossip-keyring';
export { GossipIdentity } from './security/gossip-identity';
export { GossipTrustStore, GOSSIP_TRUST_MAX_NODES } from './security/gossip-trust';
export { GossipAddressPolicy } from './security/gossip-address-policy';
export type { HostOnlyPorts } from './security/gossip-address-policy';
export type { GossipPortBook } from './security/gossip-ports';

// The protocol without I/O, for simulations of a mesh (bench/support/simulated-mesh.ts drives it).
export { GossipProtocol } from './gossip-protocol';
export type { GossipProtocolOptions, GossipReceived, GossipRound, RelayedProbe } from './gossip-protocol';

// Errors.
export { GossipAddressRefused } from './errors/gossip-address-refused.error';
export { GossipAllowError } from './errors/gossip-allow.error';
export { GossipIdentityError } from './errors/gossip-identity.error';
export { GossipKeyError } from './errors/gossip-key.error';
export { GossipMessageError } from './errors/gossip-message.error';
export { GossipRefusal } from './errors/gossip-refusal.error';

// Metrics: the gossip metrics provider, their names, and the shape other libs build theirs on.
export { MeshGossipMetrics } from './mesh-gossip.metrics';
export {
  GOSSIP_MEMBERS_METRIC,
  GOSSIP_MESSAGE_MEMBERS_METRIC,
  GOSSIP_MESSAGES_METRIC,
  GOSSIP_PROBES_METRIC,
  GOSSIP_RTT_METRIC,
} from './telemetry/gossip-metric-names';
export { ScrapedMetrics } from './telemetry/scraped-metrics';
export { scrapedCounter, scrapedGauge, scrapedHistogram } from './telemetry/scraped-metric';
export type { ScrapedMetricSpec } from './telemetry/scraped-metric';
export type { HistogramSource } from './telemetry/scraped-histogram';
