// The public API of @omnirelay/mesh-leadership. Tests of the internals import them by path
// (`@internal/mesh-leadership/<path>`).
export { MeshLeadershipModule } from './mesh-leadership.module';
export { MeshLeadershipService } from './mesh-leadership.service';
export { LEADERSHIP_STORE, MESH_LEADERSHIP_OPTIONS } from './mesh-leadership.constants';
export { DEFAULT_SCOPES, DEFAULT_CANDIDATE_ROLES } from './mesh-leadership.defaults';
export type { MeshLeadershipOptions } from './interfaces/mesh-leadership-options.interface';
// The stores: gossip (the default) and etcd (consensus, with fencing terms).
export type { LeadershipStore, ScopeLeadership } from './interfaces/leadership-store.interface';
export { GossipLeadershipStore } from './gossip-leadership.store';
export { EtcdLeadershipStore } from './etcd/etcd-leadership.store';
export type { LeadershipFence } from './etcd/etcd-leadership.store';
export type { EtcdLeadershipOptions } from './etcd/etcd-leadership-options.interface';
// Metrics.
export { MeshLeadershipMetrics } from './mesh-leadership.metrics';
export { LEADERSHIP_CHANGES_METRIC, LEADERSHIP_TERM_METRIC } from './telemetry/leadership-metric-names';
