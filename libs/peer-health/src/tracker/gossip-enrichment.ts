import type { PeerLeaseHealthTracker } from './peer-lease-health.tracker';

/** Disconnect reason recorded for a gossip member that left or was declared dead. */
export const GOSSIP_LEFT_REASON = 'gossip-left';

/** What a gossip agent knows about a member. */
export interface GossipMemberMetadata {
  readonly nodeId: string;
  readonly role?: string;
  readonly cluster?: string;
  readonly region?: string;
  readonly meshVersion?: string;
  readonly http3?: boolean;
  readonly labels?: Readonly<Record<string, string>> | ReadonlyMap<string, string>;
}

export type LeadershipRole = 'leader' | 'follower';

/**
 * The `mesh.*` / `label.*` metadata of a gossip member: `mesh.role`, `mesh.cluster`, `mesh.region`,
 * `mesh.version`, `mesh.http3` ("true"/"false") and `label.<key>` per label. Absent fields are left out.
 */
export function gossipMemberMetadata(member: GossipMemberMetadata): Record<string, string> {
  const metadata = Object.create(null) as Record<string, string>;
  if (typeof member.role === 'string') metadata['mesh.role'] = member.role;
  if (typeof member.cluster === 'string') metadata['mesh.cluster'] = member.cluster;
  if (typeof member.region === 'string') metadata['mesh.region'] = member.region;
  if (typeof member.meshVersion === 'string') metadata['mesh.version'] = member.meshVersion;
  if (typeof member.http3 === 'boolean') metadata['mesh.http3'] = member.http3 ? 'true' : 'false';
  const labels = member.labels;
  if (labels instanceof Map) {
    for (const [key, value] of labels as ReadonlyMap<string, string>) metadata[`label.${key}`] = value;
  } else if (labels && typeof labels === 'object') {
    const record = labels as Readonly<Record<string, string>>;
    for (const key of Object.keys(record)) {
      const value = record[key];
      if (value !== undefined) metadata[`label.${key}`] = value;
    }
  }
  return metadata;
}

/** Records a gossip member's metadata into the tracker under its node id. */
export function recordGossipMember(tracker: PeerLeaseHealthTracker, member: GossipMemberMetadata): void {
  tracker.recordGossip(member.nodeId, gossipMemberMetadata(member));
}

/** The metadata key leadership writes for a scope: `mesh.leader.scope.<scopeId>`. */
export function leadershipMetadataKey(scopeId: string): string {
  return `mesh.leader.scope.${scopeId}`;
}

/** Records that `peerId` leads or follows in `scopeId`. */
export function recordLeadership(
  tracker: PeerLeaseHealthTracker,
  peerId: string,
  scopeId: string,
  role: LeadershipRole,
): void {
  tracker.recordGossip(peerId, { [leadershipMetadataKey(scopeId)]: role });
}
