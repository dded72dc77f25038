import type { GossipCompactEntry, GossipDigestEntry } from '../interfaces/gossip-member.interface';
import type { LocalMember } from './local-member';
import { entryOf, type MemberRecord } from './member-record';
import type { MemberTable } from './member-table';

/** The version and state a member is told at: a probe's suspicion as suspected, a local one as alive. @internal */
export function toldVersion(member: MemberRecord): { heartbeat: number; state: GossipDigestEntry['state'] } | undefined {
  if (member.state === 'dead') return undefined;
  if (member.state === 'suspect') {
    return member.suspicionSpreads ? { heartbeat: member.suspectedHeartbeat, state: 'suspect' } : { heartbeat: member.heartbeat, state: 'alive' };
  }
  return { heartbeat: member.heartbeat, state: member.state };
}

/** The full entry told of `member`, or undefined when it is not told (judged dead here). @internal */
export function toldEntry(member: MemberRecord): GossipDigestEntry | undefined {
  const told = toldVersion(member);
  return told && entryOf(member.info, member.incarnation, told.heartbeat, told.state);
}

/**
 * The member list told page by page, in full entries (format 1) or compact ones (format 2): each
 * digest starts where the previous page of its kind ended. @internal
 */
export class DigestPages {
  /** Where the next page of full entries starts in the table's order. */
  private cursor = 0;
  /** Where the next page of compact entries starts. */
  private compactCursor = 0;

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
    for (const member of this.members(this.cursor)) {
      const entry = toldEntry(member);
      if (entry) yield entry;
    }
  }

  /** Every member not judged dead as a compact entry (this node not included: its full entry goes with every message). */
  *compact(): Generator<GossipCompactEntry, void, undefined> {
    for (const member of this.members(this.compactCursor)) {
      const told = toldVersion(member);
      if (told) yield { nodeId: member.info.nodeId, incarnation: member.incarnation, heartbeat: told.heartbeat, state: told.state };
    }
  }

  /** Moves the page start past `carried` entries of the last digest (this node's own entry not counted). */
  advance(carried: number): void {
    this.cursor = this.moved(this.cursor, carried);
  }

  /** Moves the compact page start past `carried` entries (back to the start when the whole list went). */
  advanceCompact(carried: number): void {
    this.compactCursor = this.moved(this.compactCursor, carried);
  }

  private moved(cursor: number, carried: number): number {
    const length = this.table.ordered().length;
    return length === 0 ? 0 : (cursor + carried) % length;
  }

  private *members(cursor: number): Generator<MemberRecord, void, undefined> {
    const ring = this.table.ordered();
    const start = ring.length === 0 ? 0 : cursor % ring.length;
    for (let i = 0; i < ring.length; i++) {
      const member = ring[(start + i) % ring.length];
      if (member) yield member;
    }
  }
}
