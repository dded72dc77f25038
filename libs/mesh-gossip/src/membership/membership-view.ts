import type { GossipMemberState, GossipMemberView } from '../interfaces/gossip-member.interface';
import type { LocalMember } from './local-member';
import type { MemberTable } from './member-table';

/** Members by local state, this node excluded. @internal */
export function countStates(table: MemberTable): Record<GossipMemberState, number> {
  const counts: Record<GossipMemberState, number> = { alive: 0, suspect: 0, dead: 0, left: 0 };
  for (const member of table.values()) counts[member.state]++;
  return counts;
}

/** Every member as this node sees it, itself included, by node id. @internal */
export function membershipView(table: MemberTable, local: LocalMember, now: number): GossipMemberView[] {
  const self: GossipMemberView = {
    ...local.info,
    incarnation: local.incarnation,
    heartbeat: local.heartbeat,
    state: local.state,
    lastChangeAgoMs: 0,
    self: true,
    firstHand: true,
  };
  const views: GossipMemberView[] = [self];
  for (const member of table.values()) {
    // Every field written out, in the order a spread of the info would give: a record's info always
    // has exactly these keys (infoOf), and one object shape for all is several times faster to build
    // than a spread (the service builds this view after every batch of membership changes).
    const { nodeId, url, role, cluster, region, meshVersion, http3, labels } = member.info;
    views.push({
      nodeId,
      url,
      role,
      cluster,
      region,
      meshVersion,
      http3,
      labels,
      incarnation: member.incarnation,
      heartbeat: member.heartbeat,
      state: member.state,
      lastChangeAgoMs: Math.max(0, now - member.changedAt),
      self: false,
      firstHand: member.selfSaid !== undefined,
    });
  }
  return views.sort((a, b) => (a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0));
}
