import type { GossipDigestEntry, GossipMemberInfo, GossipMemberState } from '../interfaces/gossip-member.interface';

/** A version a member said of itself. @internal */
export interface Version {
  readonly incarnation: number;
  readonly heartbeat: number;
}

/** What one node keeps of one other member. @internal */
export interface MemberRecord {
  info: GossipMemberInfo;
  incarnation: number;
  heartbeat: number;
  state: GossipMemberState;
  /** Local time of the last version advance or state change. */
  changedAt: number;
  /** Local time this node started to suspect the member (meaningful while `state` is suspect). */
  suspectedAt: number;
  /** The heartbeat the suspicion names (meaningful while `state` is suspect); it travels with the suspicion. */
  suspectedHeartbeat: number;
  /**
   * The suspicion came from a failed probe (here or elsewhere) and travels; a suspicion from silence
   * alone stays local, as any progress ends it, because one node missing a few heartbeats is common.
   */
  suspicionSpreads: boolean;
  /**
   * Who suspects the member in the current travelling suspicion: the first suspector (this node
   * after its own probe, or the sender it was adopted from), then the independent confirmations
   * (at most SUSPICION_CONFIRMATIONS), which end it sooner. Empty for a local suspicion from silence.
   */
  confirmedBy: string[];
  /** The version the member last told this node itself; undefined while it is known only second-hand. */
  selfSaid: Version | undefined;
  /** The heartbeat the member was learnt at: while it is still the one known, the member was not heard from since. */
  learntHeartbeat: number;
  /** Local time the member last came back from suspect (a refuted suspicion); -Infinity if never. */
  refutedAt: number;
  /** The last sender whose suspicion of the member was refused here, and when (see SuspicionGate). */
  doubted: { readonly sender: string; readonly at: number } | undefined;
}

/** @internal */
export const isTombstone = (state: GossipMemberState): boolean => state === 'left' || state === 'dead';
/** A member worth contacting: alive, or suspect (it may only be slow). @internal */
export const isContactable = (state: GossipMemberState): boolean => state === 'alive' || state === 'suspect';

// Written field by field: V8 copies these objects many times faster than spreads of rest-destructured objects.
/** @internal */
export function infoOf(entry: GossipMemberInfo): GossipMemberInfo {
  const { nodeId, url, role, cluster, region, meshVersion, http3, labels } = entry;
  return { nodeId, url, role, cluster, region, meshVersion, http3, labels };
}

/** @internal */
export function entryOf(info: GossipMemberInfo, incarnation: number, heartbeat: number, state: GossipDigestEntry['state']): GossipDigestEntry {
  const { nodeId, url, role, cluster, region, meshVersion, http3, labels } = info;
  return { nodeId, url, role, cluster, region, meshVersion, http3, labels, incarnation, heartbeat, state };
}
