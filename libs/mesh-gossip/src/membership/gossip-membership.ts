import type { GossipCompactEntry, GossipDigestEntry, GossipMemberInfo, GossipMemberState, GossipMemberView } from '../interfaces/gossip-member.interface';
import { SuspicionGate } from '../suspicion-gate';
import { ChangeQueue } from './change-queue';
import { DigestPages, toldEntry } from './digest-pages';
import { LocalMember } from './local-member';
import type { MemberChange, MemberVersion } from './member-change';
import { MemberTable } from './member-table';
import { emptyMembershipCounters, type MembershipCounters } from './membership-counters';
import { DEFAULT_MEMBERSHIP_LIMITS, type GossipMembershipLimits } from './membership-limits';
import { MembershipMerge } from './membership-merge';
import { MembershipNews } from './membership-news';
import { sweepMembers, type SweepTimeouts } from './membership-sweep';
import { countStates, membershipView } from './membership-view';
import { contactableAt, contactableUrl, pickUrls, reachableUrls } from './peer-picking';
import { WantedMembers } from './wanted-members';

/**
 * Membership state of one node, free of timers and I/O: versions are (incarnation, heartbeat);
 * failure detection is a sweep with the local clock.
 *
 * Who may say what (SWIM, with the sender authenticated by the gossip MAC): a member alone announces
 * its own `left`, raises its own incarnation, and changes its own address and metadata; a third party
 * may only pass along heartbeat progress at the incarnation already known, introduce members this
 * node does not know yet, and spread a suspicion. A suspicion names a version (incarnation,
 * heartbeat h): a heartbeat of h + REFUTING_HEARTBEATS or more refutes it (the suspected member,
 * told of it, moves its own heartbeat there), a word from the member itself refutes it at once, and
 * a suspicion that what is known here already refutes is ignored.
 * Only a probe's suspicion travels; one from silence alone stays local and any progress ends it.
 * Death is a local judgement (suspect for a whole suspicion timeout, by this node's sweep) and never
 * travels. Members heard only second-hand are flagged (`firstHand: false`) so leadership can ignore them.
 *
 * A facade: the table and its bounds, the merge rules, the sweep, the pages and the picking each
 * live in their own file of this folder.
 */
export class GossipMembership {
  readonly counters: MembershipCounters = emptyMembershipCounters();
  /** Which third-party suspicions are adopted (immunity, corroboration, per-sender rate). */
  readonly suspicions = new SuspicionGate();
  private readonly local: LocalMember;
  private readonly table: MemberTable;
  private readonly news = new MembershipNews();
  private readonly rules: MembershipMerge;
  private readonly pages: DigestPages;
  /** Changes riding on the next messages, each about λ·log N times. */
  private readonly changes = new ChangeQueue();
  /** Ids seen in compact digests and not known here: their full entries are asked for. */
  private readonly wanted = new WantedMembers();

  constructor(self: GossipMemberInfo, incarnation: number, limits: Partial<GossipMembershipLimits> = {}) {
    this.local = new LocalMember(self, incarnation);
    this.table = new MemberTable({ ...DEFAULT_MEMBERSHIP_LIMITS, ...limits }, this.counters);
    this.rules = new MembershipMerge(this.table, this.local, this.news, this.counters, this.suspicions);
    this.pages = new DigestPages(this.table, this.local);
  }

  get incarnation(): number {
    return this.local.incarnation;
  }

  get selfId(): string {
    return this.local.info.nodeId;
  }

  get selfInfo(): GossipMemberInfo {
    return this.local.info;
  }

  /** Members known, this node excluded, tombstones included. */
  get size(): number {
    return this.table.size;
  }

  get tombstoneCount(): number {
    return this.table.tombstoneCount;
  }

  /** Members by local state, this node excluded. */
  stateCounts(): Record<GossipMemberState, number> {
    return countStates(this.table);
  }

  /** Ids of the members alive here (not suspect, dead or left), this node excluded. */
  aliveIds(): string[] {
    const ids: string[] = [];
    for (const [nodeId, member] of this.table.entries()) if (member.state === 'alive') ids.push(nodeId);
    return ids;
  }

  setSelfUrl(url: string): void {
    this.local.info = { ...this.local.info, url };
  }

  /** Sets how far past a suspected heartbeat a heartbeat must be to refute the suspicion (see refutingHeartbeats). */
  set refutingHeartbeats(heartbeats: number) {
    this.rules.refuting = heartbeats;
  }

  beat(): void {
    this.local.heartbeat++;
  }

  leave(): void {
    this.local.state = 'left';
    this.local.heartbeat++;
  }

  /** Merges what `sender` (the authenticated node id of the message) says; returns what changed. */
  merge(entries: readonly GossipDigestEntry[], sender: string, now: number): MemberChange[] {
    return this.noted(this.rules.merge(entries, sender, now));
  }

  /** Merges a compact digest `sender` sent (see MembershipMerge.mergeCompact); returns what changed. */
  mergeCompact(entries: readonly GossipCompactEntry[], sender: string, now: number): MemberChange[] {
    return this.noted(this.rules.mergeCompact(entries, sender, now, this.wanted));
  }

  /** Queues what travels of these changes (joins, state changes, new metadata; not the sweep's local judgements). */
  private noted(changes: MemberChange[]): MemberChange[] {
    for (const change of changes) {
      const { nodeId } = change.info;
      if (change.previous === undefined) {
        this.wanted.delete(nodeId);
        if (change.state === 'alive') this.news.noteJoined(nodeId);
      } else if (change.previous === change.state && !change.infoChanged) continue;
      this.changes.note(nodeId, this.table.size);
    }
    return changes;
  }

  /** The member's version as known now, for a probe about to start; undefined unless it is alive. */
  versionOf(nodeId: string): MemberVersion | undefined {
    const known = this.table.get(nodeId);
    return known?.state === 'alive' ? { nodeId, incarnation: known.incarnation, heartbeat: known.heartbeat } : undefined;
  }

  /** The node id of the alive or suspect member at `url`, if any. */
  memberAt(url: string): string | undefined {
    return contactableAt(this.table, url);
  }

  /** The URL of a member this node may contact (alive or suspect), if any. */
  urlOf(nodeId: string): string | undefined {
    return contactableUrl(this.table, nodeId);
  }

  /**
   * This node's own suspicion after a failed probe, of the newest version known: applies only when
   * the member is still alive here and nothing heard since the probe started refutes it.
   */
  suspect(version: MemberVersion, now: number): MemberChange | undefined {
    const change = this.rules.suspect(version, now);
    return change && this.noted([change])[0];
  }

  /**
   * Marks members silent for `silenceMs` suspect, members suspect for a whole suspicion timeout dead;
   * forgets long-gone ones. A member not heard from since it was learnt gets `unheardGraceMs` more
   * before it is suspected: the first heartbeat after learning it has a whole dissemination to
   * travel, later ones follow each other a round apart.
   */
  sweep(now: number, timeouts: SweepTimeouts): MemberChange[] {
    return sweepMembers(this.table, now, timeouts);
  }

  selfEntry(): GossipDigestEntry {
    return this.local.entry();
  }

  /**
   * What this node tells others: itself first, then every member not judged dead (one suspected
   * after a failed probe as suspected, at the heartbeat suspected), starting where the
   * previous page ended (so that a mesh larger than one message is covered page after page). Lazy:
   * a message takes only what fits. Call `advance(n)` with how many of the others it carried.
   */
  digest(): Generator<GossipDigestEntry, void, undefined> {
    return this.pages.digest();
  }

  /**
   * News since the last call, or undefined when there is none: this node's own entry, the
   * suspicions that travel, and the members whose suspicion was refuted here (as alive, at their
   * heartbeat); what a node pushes at once instead of waiting for its next rounds. At most `max`
   * entries besides its own.
   */
  takeNews(max: number): GossipDigestEntry[] | undefined {
    return this.news.take(max, this.table, this.local);
  }

  /** Moves the page start past `carried` entries of the last digest (this node's own entry not counted). */
  advance(carried: number): void {
    this.pages.advance(carried);
  }

  /** Every member not judged dead as a compact entry, from where the last compact page ended (this node excluded). */
  compactDigest(): Generator<GossipCompactEntry, void, undefined> {
    return this.pages.compact();
  }

  /** Moves the compact page start past `carried` entries. */
  advanceCompact(carried: number): void {
    this.pages.advanceCompact(carried);
  }

  /** Full entries of up to `max` queued changes, each counted as sent once. */
  takeChanges(max: number): GossipDigestEntry[] {
    return this.entriesOf(this.changes.take(max));
  }

  /** Up to `max` ids this node wants full entries for. */
  takeWanted(max: number): string[] {
    return this.wanted.take(max);
  }

  /** Full entries of the members named that this node knows and tells (not judged dead). */
  entriesOf(nodeIds: readonly string[]): GossipDigestEntry[] {
    const entries: GossipDigestEntry[] = [];
    for (const nodeId of nodeIds) {
      const member = this.table.get(nodeId);
      const entry = member && toldEntry(member);
      if (entry) entries.push(entry);
    }
    return entries;
  }

  /** Forgets changes and news not yet sent (a simulation starting from a settled mesh, where they would be long sent). */
  forgetPending(): void {
    this.news.clear();
    this.changes.clear();
  }

  /** Up to `count` distinct URLs of alive or suspect members, chosen at random (the gossip targets of a round). */
  pick(count: number, random: () => number = Math.random): string[] {
    return pickUrls(this.table, count, random);
  }

  /** URLs of members worth gossiping with (alive or suspect), in random order. */
  reachable(random: () => number = Math.random): string[] {
    return reachableUrls(this.table, random);
  }

  view(now: number): GossipMemberView[] {
    return membershipView(this.table, this.local, now);
  }
}
