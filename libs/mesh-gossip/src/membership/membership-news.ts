import type { GossipDigestEntry } from '../interfaces/gossip-member.interface';
import type { LocalMember } from './local-member';
import { entryOf } from './member-record';
import type { MemberTable } from './member-table';

/**
 * What a node pushes at once instead of waiting for its next rounds: raised when a probe's
 * suspicion is raised, adopted or refuted here.
 * @internal
 */
export class MembershipNews {
  /** A probe's suspicion was raised, adopted or refuted here since the news was last taken. */
  private fresh = false;
  /** Members whose travelling suspicion was refuted here since the news was last taken. */
  private readonly refutedSince = new Set<string>();

  raise(): void {
    this.fresh = true;
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
    for (const nodeId of this.refutedSince) {
      const member = table.get(nodeId);
      if (news.length > max) break;
      if (member?.state === 'alive') news.push(entryOf(member.info, member.incarnation, member.heartbeat, 'alive'));
    }
    this.refutedSince.clear();
    for (const member of table.values()) {
      if (news.length > max) break;
      if (member.state === 'suspect' && member.suspicionSpreads) news.push(entryOf(member.info, member.incarnation, member.suspectedHeartbeat, 'suspect'));
    }
    return news;
  }
}
