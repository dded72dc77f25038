import type { GossipMemberInfo, GossipMemberState } from '../interfaces/gossip-member.interface';

/** What changed for one member in a merge or a sweep; the service turns it into tracker calls. */
export interface MemberChange {
  readonly info: GossipMemberInfo;
  readonly previous: GossipMemberState | undefined;
  readonly state: GossipMemberState;
  /** The member's incarnation as this node now knows it. */
  readonly incarnation: number;
  /** Its version advanced: the member is alive and heart-beating. */
  readonly progressed: boolean;
  /** Role, region, labels... differ from what was known (or the member is new). */
  readonly infoChanged: boolean;
}

/** A member's version when a probe of it started: a suspicion applies only if nothing newer was heard since. */
export interface MemberVersion {
  readonly nodeId: string;
  readonly incarnation: number;
  readonly heartbeat: number;
}
