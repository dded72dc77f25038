export { MeshLeadershipModule } from './mesh-leadership.module';
export { MeshLeadershipService } from './mesh-leadership.service';
export { GossipLeadershipStore } from './gossip-leadership.store';
export { LEADERSHIP_STORE, DEFAULT_SCOPES, DEFAULT_CANDIDATE_ROLES } from './mesh-leadership.constants';
export type { LeadershipStore, ScopeLeadership } from './interfaces/leadership-store.interface';
export type { MeshLeadershipOptions } from './interfaces/mesh-leadership-options.interface';
