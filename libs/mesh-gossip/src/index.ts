export { MeshGossipModule } from './mesh-gossip.module';
export { MeshGossipService } from './mesh-gossip.service';
export type { MembershipListener, MeshGossipStats } from './mesh-gossip.service';
export { GossipMembership } from './membership/gossip-membership';
export { DEFAULT_MEMBERSHIP_LIMITS } from './membership/membership-limits';
export type { GossipMembershipLimits } from './membership/membership-limits';
export type { MemberChange, MemberVersion } from './membership/member-change';
export type { MembershipCounters } from './membership/membership-counters';
export { GossipProtocol, GOSSIP_INBOUND_OUTCOMES, GOSSIP_OUTBOUND_OUTCOMES } from './gossip-protocol';
export type { GossipMessageCounters, GossipOutboundOutcome, GossipProtocolOptions, GossipReceived, RelayedProbe } from './gossip-protocol';
export { IndirectProbes, PROBE_LIMITS } from './indirect-probes';
export type { ProbeCounters, ProbePlan } from './indirect-probes';
export { GossipCodec, signedBytes } from './gossip-codec';
export type { GossipEnvelope, ReadMessage } from './gossip-codec';
export { scaledSuspicionMs, SUSPICION_ROUNDS_PER_PAGE } from './scaled-suspicion';
export { GossipRefusal } from './gossip-refusal';
export type { GossipInboundOutcome } from './gossip-refusal';
export { GossipHttpClient, GossipAddressRefused } from './gossip-http-client';
export type { GossipTlsOptions } from './gossip-http-client';
export { GossipKeyring, GossipKeyError, decodeGossipKey, GOSSIP_KEY_BYTES, GOSSIP_KEYRING_MAX } from './security/gossip-keyring';
export { GossipReplayGuard } from './security/gossip-replay-guard';
export { GossipIdentity } from './security/gossip-identity';
export { GossipIdentityError } from './security/gossip-identity-error';
export { GossipTrustStore, GOSSIP_TRUST_MAX_NODES } from './security/gossip-trust';
export { GossipPortBook, GOSSIP_PORTS_MAX } from './security/gossip-ports';
export { RateWindow } from './security/rate-window';
export { SuspicionGate, SUSPICIONS_PER_SENDER } from './suspicion-gate';
export { GossipAddressPolicy, GossipAllowError, isForbiddenAddress } from './security/gossip-address-policy';
export type { HostOnlyPorts } from './security/gossip-address-policy';
export { parseGossipMessage, parseDigestEntry, GossipMessageError } from './gossip-message';
export { GOSSIP_LIMITS, MESH_GOSSIP_OPTIONS } from './mesh-gossip.constants';
export type {
  GossipDigestEntry,
  GossipMemberInfo,
  GossipMemberState,
  GossipMemberView,
  GossipMessage,
  GossipProbeResult,
} from './interfaces/gossip-member.interface';
export type { MeshGossipOptions } from './interfaces/mesh-gossip-options.interface';
export type { GossipRoundTiming } from './interfaces/gossip-round-timing.interface';
export { PlainHistogram, GOSSIP_RTT_BUCKETS_MS, GOSSIP_MESSAGE_MEMBER_BUCKETS } from './telemetry/plain-histogram';
export { MeshAuditLog } from './telemetry/mesh-audit-log';
export type { MeshAuditEvent, MeshAuditEventKind, MeshLogFormat } from './telemetry/mesh-audit-log';
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
