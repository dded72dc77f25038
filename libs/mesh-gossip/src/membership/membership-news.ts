import type { GossipDigestEntry } from '../interfaces/gossip-member.interface';
import type { LocalMember } from './local-member';
import { entryOf } from './member-record';
import type { MemberTable } from './member-table';

/** Joins remembered for the next news push, at most. */
const MAX_JOINED = 32;

/**
 * What a node pushes at once instead of waiting for its next rounds: raised when a probe's
 * suspicion is raised, adopted or refuted here, or a member is first learnt here.
 * @internal
 */
export class MembershipNews {
  /** A probe's suspicion was raised, adopted or refuted here since the news was last taken. */
  private fresh = false;
  /** Members whose travelling suspicion was refuted here since the news was last taken. */
  private readonly refutedSince = new Set<string>();
  /** Members first learnt here since the news was last taken (bounded: the digests carry the rest). */
  private readonly joinedSince = new Set<string>();

  raise(): void {
    this.fresh = true;
  }

  /** A member first learnt here, alive: pushed at once, so that a join spreads as an epidemic rather than round by round. */
  noteJoined(nodeId: string): void {
    if (this.joinedSince.size >= MAX_JOINED) return;
    this.joinedSince.add(nodeId);
    this.fresh = true;
  }

  /** Forgets the news not yet taken. */
  clear(): void {
    this.fresh = false;
    this.refutedSince.clear();
    this.joinedSince.clear();
  }

  noteRefuted(nodeId: string): void {
    this.refutedSince.add(nodeId);
    this.fresh = true;
  }

  /**
   * News since the last call, or undefined when there is none: this node's own entry, the
   * suspicions that travel, and the members whose suspicion was refuted here (as alive, at their
   * heartbeat). At most `max` entries besides its own.
   */
  take(max: number, table: MemberTable, local: LocalMember): GossipDigestEntry[] | undefined {
    if (!this.fresh) return undefined;
    this.fresh = false;
    const news: GossipDigestEntry[] = local.info.url ? [local.entry()] : [];
    for (const ids of [this.refutedSince, this.joinedSince]) {
      for (const nodeId of ids) {
        const member = table.get(nodeId);
        if (news.length > max) break;
        if (member?.state === 'alive') news.push(entryOf(member.info, member.incarnation, member.heartbeat, 'alive'));
      }
      ids.clear();
    }
    for (const member of table.values()) {
      if (news.length > max) break;
      if (member.state === 'suspect' && member.suspicionSpreads) news.push(entryOf(member.info, member.incarnation, member.suspectedHeartbeat, 'suspect'));
    }
    return news;
  }
}
