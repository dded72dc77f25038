import type { GossipDigestEntry } from '../interfaces/gossip-member.interface';
import type { LocalMember } from './local-member';
import { entryOf } from './member-record';
import type { MemberTable } from './member-table';

/** The member list told page by page: each digest starts where the previous page ended. @internal */
export class DigestPages {
  /** Where the next digest page starts in the table's order. */
  private cursor = 0;

  constructor(
    private readonly table: MemberTable,
    private readonly local: LocalMember,
  ) {}

  /**
   * This node first, then every member not judged dead (one suspected after a failed probe as
   * suspected, at the heartbeat suspected), starting where the previous page ended. Lazy: a
   * message takes only what fits.
   */
  *digest(): Generator<GossipDigestEntry, void, undefined> {
    if (this.local.info.url) yield this.local.entry();
    const ring = this.table.ordered();
    const start = ring.length === 0 ? 0 : this.cursor % ring.length;
    for (let i = 0; i < ring.length; i++) {
      const member = ring[(start + i) % ring.length];
      if (!member || member.state === 'dead') continue;
      if (member.state === 'suspect' && member.suspicionSpreads) yield entryOf(member.info, member.incarnation, member.suspectedHeartbeat, 'suspect');
      else yield entryOf(member.info, member.incarnation, member.heartbeat, member.state === 'suspect' ? 'alive' : member.state);
    }
  }

  /** Moves the page start past `carried` entries of the last digest (this node's own entry not counted). */
  advance(carried: number): void {
    const length = this.table.ordered().length;
    this.cursor = length === 0 ? 0 : (this.cursor + carried) % length;
  }
}
