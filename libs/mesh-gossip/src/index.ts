export { MeshGossipModule } from './mesh-gossip.module';
export { MeshGossipService } from './mesh-gossip.service';
export type { MembershipListener } from './mesh-gossip.service';
export { GossipMembership } from './gossip-membership';
export type { MemberChange } from './gossip-membership';
export { parseGossipMessage, parseDigestEntry, GossipMessageError } from './gossip-message';
export { GOSSIP_LIMITS, MESH_GOSSIP_OPTIONS } from './mesh-gossip.constants';
export type {
  GossipDigestEntry,
  GossipMemberInfo,
  GossipMemberState,
  GossipMemberView,
  GossipMessage,
} from './interfaces/gossip-member.interface';
export type { MeshGossipOptions } from './interfaces/mesh-gossip-options.interface';
export { fetchGossipTransport } from './gossip-transport';
export type { GossipAnswer, GossipRequest, GossipTransport } from './gossip-transport';
