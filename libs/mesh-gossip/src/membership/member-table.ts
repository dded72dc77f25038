import type { GossipDigestEntry, GossipMemberState } from '../interfaces/gossip-member.interface';
import type { MemberChange } from './member-change';
import { infoOf, isTombstone, type MemberRecord, type Version } from './member-record';
import type { MembershipCounters } from './membership-counters';
import type { GossipMembershipLimits } from './membership-limits';

/**
 * The members one node knows and the bounds on them: at most maxMembers (a tombstone gives way to a
 * new member), at most maxTombstones left or dead ones, the oldest forgotten first. Keeps the
 * tombstone count and a stable order of the members for paging and sampling.
 * @internal
 */
export class MemberTable {
  private readonly members = new Map<string, MemberRecord>();
  private tombstones = 0;
  /** The members in a stable order for paging and sampling; rebuilt after joins and removals. */
  private ring: MemberRecord[] = [];
  private ringDirty = false;

  constructor(
    private readonly limits: GossipMembershipLimits,
    private readonly counters: MembershipCounters,
  ) {}

  /** Members known, tombstones included. */
  get size(): number {
    return this.members.size;
  }

  get tombstoneCount(): number {
    return this.tombstones;
  }

  get(nodeId: string): MemberRecord | undefined {
    return this.members.get(nodeId);
  }

  entries(): IterableIterator<[string, MemberRecord]> {
    return this.members.entries();
  }

  values(): IterableIterator<MemberRecord> {
    return this.members.values();
  }

  /** The members in a stable order (rebuilt only after a join or a removal). */
  ordered(): MemberRecord[] {
    if (this.ringDirty) {
      this.ring = [...this.members.values()];
      this.ringDirty = false;
    }
    return this.ring;
  }

  /** Learns a member; refused (and counted) when the table is full and no tombstone gives way. */
  add(entry: GossipDigestEntry, now: number, selfSaid: Version | undefined): MemberChange | undefined {
    if (this.members.size >= this.limits.maxMembers && !this.dropOldestTombstone()) {
      this.counters.refusedMembers++;
      return undefined;
    }
    const { incarnation, heartbeat, state } = entry;
    const info = infoOf(entry);
    this.members.set(entry.nodeId, {
      info,
      incarnation,
      heartbeat,
      state,
      changedAt: now,
      suspectedAt: now,
      suspectedHeartbeat: heartbeat,
      suspicionSpreads: false,
      confirmedBy: [],
      learntHeartbeat: heartbeat,
      selfSaid,
      refutedAt: Number.NEGATIVE_INFINITY,
      doubted: undefined,
    });
    this.ringDirty = true;
    if (isTombstone(state)) this.tombstones++;
    return { info, previous: undefined, state, incarnation, progressed: state === 'alive', infoChanged: true };
  }

  setState(record: MemberRecord, state: GossipMemberState, now: number): void {
    if (isTombstone(record.state) !== isTombstone(state)) this.tombstones += isTombstone(state) ? 1 : -1;
    // Back from suspect: immune to third-party suspicion for a suspicion timeout (SuspicionGate).
    if (record.state === 'suspect' && state === 'alive') record.refutedAt = now;
    record.state = state;
    record.changedAt = now;
  }

  remove(nodeId: string, record: MemberRecord): void {
    if (isTombstone(record.state)) this.tombstones--;
    this.members.delete(nodeId);
    this.ringDirty = true;
  }

  /** Keeps at most maxTombstones left/dead members, forgetting the oldest first. */
  compact(): void {
    const excess = this.tombstones - this.limits.maxTombstones;
    if (excess <= 0) return;
    const oldest = [...this.members]
      .filter(([, record]) => isTombstone(record.state))
      .sort((a, b) => a[1].changedAt - b[1].changedAt)
      .slice(0, excess);
    for (const [nodeId, record] of oldest) this.remove(nodeId, record);
    this.counters.compactedTombstones += oldest.length;
  }

  /** Forgets the tombstone that changed longest ago; false when there is none. */
  private dropOldestTombstone(): boolean {
    let oldest: [string, MemberRecord] | undefined;
    for (const pair of this.members) {
      if (isTombstone(pair[1].state) && (!oldest || pair[1].changedAt < oldest[1].changedAt)) oldest = pair;
    }
    if (!oldest) return false;
    this.remove(oldest[0], oldest[1]);
    this.counters.compactedTombstones++;
    return true;
  }
}
