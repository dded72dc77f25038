import type {
  GossipDigestEntry,
  GossipMemberInfo,
  GossipMemberState,
  GossipMemberView,
} from './interfaces/gossip-member.interface';
import { SuspicionGate } from './suspicion-gate';

interface Version {
  readonly incarnation: number;
  readonly heartbeat: number;
}

interface MemberRecord {
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
  /** The version the member last told this node itself; undefined while it is known only second-hand. */
  selfSaid: Version | undefined;
  /** Local time the member last came back from suspect (a refuted suspicion); -Infinity if never. */
  refutedAt: number;
}

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

/** Bounds of one node's membership table. */
export interface GossipMembershipLimits {
  /** Members known at once, tombstones included; new members past it are refused and counted (default 4096). */
  readonly maxMembers: number;
  /** Left and dead members kept; the oldest are forgotten first past it (default 1024). */
  readonly maxTombstones: number;
}

export const DEFAULT_MEMBERSHIP_LIMITS: GossipMembershipLimits = { maxMembers: 4096, maxTombstones: 1024 };

/** Counts of what the membership refused; plain numbers, read by stats and metrics. */
export interface MembershipCounters {
  /** New members refused because the table was full. */
  refusedMembers: number;
  /** Claims a third party may not make: another member's `left`, or a raise of its incarnation. */
  ignoredClaims: number;
  /** Tombstones forgotten early to stay under maxTombstones (or to make room for a member). */
  compactedTombstones: number;
  /** Suspicions of this node that others spread and that it refuted by moving its heartbeat past them. */
  refutedSuspicions: number;
  /** Third-party suspicions not adopted: member immune, nothing seen here backs them, or the sender's rate spent. */
  refusedSuspicions: number;
}

/** A member's version when a probe of it started: a suspicion applies only if nothing newer was heard since. */
export interface MemberVersion {
  readonly nodeId: string;
  readonly incarnation: number;
  readonly heartbeat: number;
}

/**
 * How far past the suspected heartbeat a heartbeat must be to refute a suspicion: two rounds of
 * slack, because the heartbeats a member sent just before it went silent may still be on their way
 * (a heartbeat takes up to two rounds to reach every member) and must not refute it.
 */
export const REFUTING_HEARTBEATS = 3;

const isTombstone = (state: GossipMemberState): boolean => state === 'left' || state === 'dead';
/** A member worth contacting: alive, or suspect (it may only be slow). */
const isContactable = (state: GossipMemberState): boolean => state === 'alive' || state === 'suspect';

// Written field by field: V8 copies these objects many times faster than spreads of rest-destructured objects.
function infoOf(entry: GossipMemberInfo): GossipMemberInfo {
  const { nodeId, url, role, cluster, region, meshVersion, http3, labels } = entry;
  return { nodeId, url, role, cluster, region, meshVersion, http3, labels };
}

function entryOf(info: GossipMemberInfo, incarnation: number, heartbeat: number, state: GossipDigestEntry['state']): GossipDigestEntry {
  const { nodeId, url, role, cluster, region, meshVersion, http3, labels } = info;
  return { nodeId, url, role, cluster, region, meshVersion, http3, labels, incarnation, heartbeat, state };
}

function sameInfo(a: GossipMemberInfo, b: GossipMemberInfo): boolean {
  if (
    a.url !== b.url ||
    a.role !== b.role ||
    a.cluster !== b.cluster ||
    a.region !== b.region ||
    a.meshVersion !== b.meshVersion ||
    a.http3 !== b.http3
  ) {
    return false;
  }
  const keys = Object.keys(a.labels);
  return keys.length === Object.keys(b.labels).length && keys.every((key) => a.labels[key] === b.labels[key]);
}

/** True when the member itself may say `next` after having said `said` (SWIM: it alone owns its versions). */
function selfMayClaim(said: Version | undefined, next: GossipDigestEntry, current: GossipMemberState): boolean {
  if (!said) return true;
  // A different incarnation is a restart (or the member correcting what someone forged in its name).
  if (next.incarnation !== said.incarnation) return true;
  if (next.heartbeat > said.heartbeat) return true;
  return next.heartbeat === said.heartbeat && next.state === 'left' && current !== 'left';
}

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
 */
export class GossipMembership {
  private readonly members = new Map<string, MemberRecord>();
  private readonly limits: GossipMembershipLimits;
  private selfHeartbeat = 0;
  private selfState: 'alive' | 'left' = 'alive';
  private tombstones = 0;
  /** The members in a stable order for paging and sampling; rebuilt after joins and removals. */
  private ring: MemberRecord[] = [];
  private ringDirty = false;
  /** Where the next digest page starts in the ring. */
  private cursor = 0;
  /** A probe's suspicion was raised, adopted or refuted here since the news was last taken. */
  private freshNews = false;
  /** Members whose travelling suspicion was refuted here since the news was last taken. */
  private readonly refutedSince = new Set<string>();
  readonly counters: MembershipCounters = { refusedMembers: 0, ignoredClaims: 0, compactedTombstones: 0, refutedSuspicions: 0, refusedSuspicions: 0 };
  /** Which third-party suspicions are adopted (immunity, corroboration, per-sender rate). */
  readonly suspicions = new SuspicionGate();

  constructor(
    private self: GossipMemberInfo,
    readonly incarnation: number,
    limits: Partial<GossipMembershipLimits> = {},
  ) {
    this.limits = { ...DEFAULT_MEMBERSHIP_LIMITS, ...limits };
  }

  get selfId(): string {
    return this.self.nodeId;
  }

  get selfInfo(): GossipMemberInfo {
    return this.self;
  }

  /** Members known, this node excluded, tombstones included. */
  get size(): number {
    return this.members.size;
  }

  get tombstoneCount(): number {
    return this.tombstones;
  }

  /** Members by local state, this node excluded. */
  stateCounts(): Record<GossipMemberState, number> {
    const counts: Record<GossipMemberState, number> = { alive: 0, suspect: 0, dead: 0, left: 0 };
    for (const member of this.members.values()) counts[member.state]++;
    return counts;
  }

  setSelfUrl(url: string): void {
    this.self = { ...this.self, url };
  }

  beat(): void {
    this.selfHeartbeat++;
  }

  leave(): void {
    this.selfState = 'left';
    this.selfHeartbeat++;
  }

  /** Merges what `sender` (the authenticated node id of the message) says; returns what changed. */
  merge(entries: readonly GossipDigestEntry[], sender: string, now: number): MemberChange[] {
    const changes: MemberChange[] = [];
    for (const entry of entries) {
      if (entry.nodeId === this.self.nodeId) {
        this.refute(entry);
        continue;
      }
      const change = entry.nodeId === sender ? this.mergeFirstHand(entry, now) : this.mergeRelayed(entry, sender, now);
      if (change) changes.push(change);
    }
    this.compact();
    return changes;
  }

  /** Someone suspects this node at its current incarnation: the next heartbeat goes past that version. */
  private refute(entry: GossipDigestEntry): void {
    if (entry.state !== 'suspect' || entry.incarnation !== this.incarnation) return;
    const refuting = entry.heartbeat + REFUTING_HEARTBEATS;
    if (refuting <= this.selfHeartbeat) return;
    // A heartbeat near 2^53 cannot be passed with safe integers: a forgery, left to first-hand contact to refute.
    if (!Number.isSafeInteger(refuting + 1)) {
      this.counters.ignoredClaims++;
      return;
    }
    this.selfHeartbeat = refuting;
    this.counters.refutedSuspicions++;
    // This node's own entry goes with every news push: the refutation travels at once.
    this.freshNews = true;
  }

  private mergeFirstHand(entry: GossipDigestEntry, now: number): MemberChange | undefined {
    const { incarnation, heartbeat, state } = entry;
    // A member does not suspect itself.
    if (state === 'suspect') return undefined;
    const info = infoOf(entry);
    const known = this.members.get(entry.nodeId);
    if (!known) {
      // A goodbye from a member never known leaves nothing worth keeping.
      if (state === 'left') return undefined;
      return this.add(entry, now, { incarnation, heartbeat });
    }
    if (!selfMayClaim(known.selfSaid, entry, known.state)) return undefined;
    const previous = known.state;
    if (previous === 'suspect' && known.suspicionSpreads && state === 'alive') this.noteRefuted(entry.nodeId);
    const progressed = state === 'alive' && (incarnation !== known.incarnation || heartbeat !== known.heartbeat || previous !== 'alive');
    const infoChanged = !sameInfo(known.info, info);
    known.info = info;
    known.incarnation = incarnation;
    known.heartbeat = heartbeat;
    known.selfSaid = { incarnation, heartbeat };
    this.setState(known, state, now);
    return { info, previous, state, incarnation, progressed, infoChanged };
  }

  private mergeRelayed(entry: GossipDigestEntry, sender: string, now: number): MemberChange | undefined {
    const known = this.members.get(entry.nodeId);
    if (!known) {
      // A suspicion introduces no one: the member is learnt once someone passes on its heartbeat.
      if (entry.state === 'suspect') return undefined;
      // Introducing a member is how a mesh grows; announcing someone else's departure is not allowed.
      if (entry.state === 'left') {
        this.counters.ignoredClaims++;
        return undefined;
      }
      return this.add(entry, now, undefined);
    }
    if (entry.state === 'left') {
      if (known.state !== 'left') this.counters.ignoredClaims++;
      return undefined;
    }
    if (entry.incarnation !== known.incarnation) {
      if (entry.incarnation > known.incarnation) this.counters.ignoredClaims++;
      return undefined;
    }
    if (entry.state === 'suspect') return this.mergeSuspicion(known, entry.heartbeat, sender, now);
    // Only the member itself comes back from `left`; anyone may carry its heartbeat forward.
    if (known.state === 'left' || entry.heartbeat <= known.heartbeat) return undefined;
    const previous = known.state;
    known.heartbeat = entry.heartbeat;
    // Progress not yet past a probe's suspicion: possibly sent before the member went silent.
    if (previous === 'suspect' && known.suspicionSpreads) {
      if (entry.heartbeat < known.suspectedHeartbeat + REFUTING_HEARTBEATS) return undefined;
      this.noteRefuted(entry.nodeId);
    }
    this.setState(known, 'alive', now);
    return { info: known.info, previous, state: 'alive', incarnation: known.incarnation, progressed: true, infoChanged: false };
  }

  /** `sender` suspects the member at `heartbeat` (of the known incarnation). */
  private mergeSuspicion(known: MemberRecord, heartbeat: number, sender: string, now: number): MemberChange | undefined {
    // What is known here refutes the suspicion already (or the member is gone, or a probe's suspicion is held here already).
    if (heartbeat + REFUTING_HEARTBEATS <= known.heartbeat) return undefined;
    if (known.state === 'alive' || (known.state === 'suspect' && !known.suspicionSpreads)) {
      if (!this.suspicions.admits(sender, known.info.nodeId, known.changedAt, known.refutedAt, now)) {
        this.counters.refusedSuspicions++;
        return undefined;
      }
    }
    if (known.state === 'suspect' && !known.suspicionSpreads) {
      // Silent here too: the probe's suspicion replaces the local one, which keeps its start.
      known.suspicionSpreads = true;
      known.suspectedHeartbeat = heartbeat;
      return undefined;
    }
    if (known.state !== 'alive') return undefined;
    // Not a heartbeat of the member: a suspicion neither moves the heartbeat known for it nor names a
    // later one (else a forged suspicion far ahead could never be refuted by its heartbeats).
    return this.markSuspect(known, Math.min(heartbeat, known.heartbeat), now);
  }

  private noteRefuted(nodeId: string): void {
    this.refutedSince.add(nodeId);
    this.freshNews = true;
  }

  private markSuspect(known: MemberRecord, heartbeat: number, now: number): MemberChange {
    known.state = 'suspect';
    known.suspectedAt = now;
    known.suspectedHeartbeat = heartbeat;
    known.suspicionSpreads = true;
    this.freshNews = true;
    return { info: known.info, previous: 'alive', state: 'suspect', incarnation: known.incarnation, progressed: false, infoChanged: false };
  }

  /** The member's version as known now, for a probe about to start; undefined unless it is alive. */
  versionOf(nodeId: string): MemberVersion | undefined {
    const known = this.members.get(nodeId);
    return known?.state === 'alive' ? { nodeId, incarnation: known.incarnation, heartbeat: known.heartbeat } : undefined;
  }

  /** The node id of the alive or suspect member at `url`, if any. */
  memberAt(url: string): string | undefined {
    for (const [nodeId, member] of this.members) {
      if (member.info.url === url && isContactable(member.state)) return nodeId;
    }
    return undefined;
  }

  /** The URL of a member this node may contact (alive or suspect), if any. */
  urlOf(nodeId: string): string | undefined {
    const known = this.members.get(nodeId);
    return known && isContactable(known.state) ? known.info.url : undefined;
  }

  /**
   * This node's own suspicion after a failed probe, of the newest version known: applies only when
   * the member is still alive here and nothing heard since the probe started refutes it.
   */
  suspect(version: MemberVersion, now: number): MemberChange | undefined {
    const known = this.members.get(version.nodeId);
    if (known?.state !== 'alive' || known.incarnation !== version.incarnation) return undefined;
    if (version.heartbeat + REFUTING_HEARTBEATS <= known.heartbeat) return undefined;
    // The newest heartbeat known (the relays' answers may have brought one sent before the silence).
    return this.markSuspect(known, known.heartbeat, now);
  }

  private add(entry: GossipDigestEntry, now: number, selfSaid: Version | undefined): MemberChange | undefined {
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
      selfSaid,
      refutedAt: Number.NEGATIVE_INFINITY,
    });
    this.ringDirty = true;
    if (isTombstone(state)) this.tombstones++;
    return { info, previous: undefined, state, incarnation, progressed: state === 'alive', infoChanged: true };
  }

  private setState(record: MemberRecord, state: GossipMemberState, now: number): void {
    if (isTombstone(record.state) !== isTombstone(state)) this.tombstones += isTombstone(state) ? 1 : -1;
    // Back from suspect: immune to third-party suspicion for a suspicion timeout (SuspicionGate).
    if (record.state === 'suspect' && state === 'alive') record.refutedAt = now;
    record.state = state;
    record.changedAt = now;
  }

  private remove(nodeId: string, record: MemberRecord): void {
    if (isTombstone(record.state)) this.tombstones--;
    this.members.delete(nodeId);
    this.ringDirty = true;
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

  /** Keeps at most maxTombstones left/dead members, forgetting the oldest first. */
  private compact(): void {
    const excess = this.tombstones - this.limits.maxTombstones;
    if (excess <= 0) return;
    const oldest = [...this.members]
      .filter(([, record]) => isTombstone(record.state))
      .sort((a, b) => a[1].changedAt - b[1].changedAt)
      .slice(0, excess);
    for (const [nodeId, record] of oldest) this.remove(nodeId, record);
    this.counters.compactedTombstones += oldest.length;
  }

  /** Marks silent members suspect, members suspect for a whole timeout dead; forgets long-gone ones. */
  sweep(now: number, suspicionTimeoutMs: number, forgetAfterMs: number): MemberChange[] {
    const changes: MemberChange[] = [];
    for (const [nodeId, member] of this.members) {
      const silentFor = now - member.changedAt;
      let next: GossipMemberState = member.state;
      if (member.state === 'alive' && silentFor > suspicionTimeoutMs) next = 'suspect';
      else if (member.state === 'suspect' && now - member.suspectedAt > suspicionTimeoutMs) next = 'dead';
      else if (isTombstone(member.state) && silentFor > forgetAfterMs) {
        this.remove(nodeId, member);
        continue;
      }
      if (next === member.state) continue;
      const previous = member.state;
      if (next === 'dead') this.setState(member, next, now);
      else {
        member.state = next;
        // Suspect since the silence crossed the timeout, so that death still comes after twice the silence.
        member.suspectedAt = member.changedAt + suspicionTimeoutMs;
        member.suspectedHeartbeat = member.heartbeat;
        member.suspicionSpreads = false;
      }
      changes.push({ info: member.info, previous, state: next, incarnation: member.incarnation, progressed: false, infoChanged: false });
    }
    this.compact();
    return changes;
  }

  selfEntry(): GossipDigestEntry {
    return entryOf(this.self, this.incarnation, this.selfHeartbeat, this.selfState);
  }

  /**
   * What this node tells others: itself first, then every member not judged dead (one suspected
   * after a failed probe as suspected, at the heartbeat suspected), starting where the
   * previous page ended (so that a mesh larger than one message is covered page after page). Lazy:
   * a message takes only what fits. Call `advance(n)` with how many of the others it carried.
   */
  *digest(): Generator<GossipDigestEntry, void, undefined> {
    if (this.self.url) yield this.selfEntry();
    const ring = this.currentRing();
    const start = ring.length === 0 ? 0 : this.cursor % ring.length;
    for (let i = 0; i < ring.length; i++) {
      const member = ring[(start + i) % ring.length];
      if (!member || member.state === 'dead') continue;
      if (member.state === 'suspect' && member.suspicionSpreads) yield entryOf(member.info, member.incarnation, member.suspectedHeartbeat, 'suspect');
      else yield entryOf(member.info, member.incarnation, member.heartbeat, member.state === 'suspect' ? 'alive' : member.state);
    }
  }

  /**
   * News since the last call, or undefined when there is none: this node's own entry, the
   * suspicions that travel, and the members whose suspicion was refuted here (as alive, at their
   * heartbeat); what a node pushes at once instead of waiting for its next rounds. At most `max`
   * entries besides its own.
   */
  takeNews(max: number): GossipDigestEntry[] | undefined {
    if (!this.freshNews) return undefined;
    this.freshNews = false;
    const news: GossipDigestEntry[] = this.self.url ? [this.selfEntry()] : [];
    for (const nodeId of this.refutedSince) {
      const member = this.members.get(nodeId);
      if (news.length > max) break;
      if (member?.state === 'alive') news.push(entryOf(member.info, member.incarnation, member.heartbeat, 'alive'));
    }
    this.refutedSince.clear();
    for (const member of this.members.values()) {
      if (news.length > max) break;
      if (member.state === 'suspect' && member.suspicionSpreads) news.push(entryOf(member.info, member.incarnation, member.suspectedHeartbeat, 'suspect'));
    }
    return news;
  }

  /** Moves the page start past `carried` entries of the last digest (this node's own entry not counted). */
  advance(carried: number): void {
    const length = this.currentRing().length;
    this.cursor = length === 0 ? 0 : (this.cursor + carried) % length;
  }

  private currentRing(): MemberRecord[] {
    if (this.ringDirty) {
      this.ring = [...this.members.values()];
      this.ringDirty = false;
    }
    return this.ring;
  }

  /** Up to `count` distinct URLs of alive or suspect members, chosen at random (the gossip targets of a round). */
  pick(count: number, random: () => number = Math.random): string[] {
    const ring = this.currentRing();
    const chosen = new Set<string>();
    const worthIt = (member: MemberRecord | undefined): member is MemberRecord => member !== undefined && isContactable(member.state);
    // Random probes first (cheap in a large mesh), then a scan so that a mostly-dead table still yields targets.
    for (let attempt = 0; attempt < count * 4 && chosen.size < count && ring.length > 0; attempt++) {
      const member = ring[Math.floor(random() * ring.length)];
      if (worthIt(member)) chosen.add(member.info.url);
    }
    if (chosen.size < count) {
      for (const url of this.reachable(random)) {
        if (chosen.size >= count) break;
        chosen.add(url);
      }
    }
    return [...chosen];
  }

  /** URLs of members worth gossiping with (alive or suspect), in random order. */
  reachable(random: () => number = Math.random): string[] {
    const urls = [...this.members.values()]
      .filter((member) => isContactable(member.state))
      .map((member) => member.info.url);
    for (let i = urls.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      const swap = urls[i] ?? '';
      urls[i] = urls[j] ?? '';
      urls[j] = swap;
    }
    return urls;
  }

  view(now: number): GossipMemberView[] {
    const self: GossipMemberView = {
      ...this.self,
      incarnation: this.incarnation,
      heartbeat: this.selfHeartbeat,
      state: this.selfState,
      lastChangeAgoMs: 0,
      self: true,
      firstHand: true,
    };
    const others = [...this.members.values()].map(
      (member): GossipMemberView => ({
        ...member.info,
        incarnation: member.incarnation,
        heartbeat: member.heartbeat,
        state: member.state,
        lastChangeAgoMs: Math.max(0, now - member.changedAt),
        self: false,
        firstHand: member.selfSaid !== undefined,
      }),
    );
    return [self, ...others].sort((a, b) => (a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0));
  }
}
