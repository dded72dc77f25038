import type { GossipCompactEntry, GossipDigestEntry, GossipMemberInfo, GossipMemberState } from '../interfaces/gossip-member.interface';
import type { SuspicionGate } from '../suspicion-gate';
import type { LocalMember } from './local-member';
import type { MemberChange, MemberVersion } from './member-change';
import { entryOf, infoOf, type MemberRecord, type Version } from './member-record';
import type { MemberTable } from './member-table';
import type { MembershipCounters } from './membership-counters';
import { REFUTING_HEARTBEATS } from './membership-limits';
import type { MembershipNews } from './membership-news';
import type { WantedMembers } from './wanted-members';
import { SUSPICION_CONFIRMATIONS } from '../confirmed-suspicion';

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
 * The merge rules: who may say what (see GossipMembership), applied to what a sender says and to
 * this node's own suspicion after a failed probe.
 * @internal
 */
export class MembershipMerge {
  /** How far past a suspected heartbeat a heartbeat refutes it (grows with the digest's pages, see refutingHeartbeats). */
  refuting = REFUTING_HEARTBEATS;

  constructor(
    private readonly table: MemberTable,
    private readonly local: LocalMember,
    private readonly news: MembershipNews,
    private readonly counters: MembershipCounters,
    private readonly suspicions: SuspicionGate,
  ) {}

  /** Merges what `sender` (the authenticated node id of the message) says; returns what changed. */
  merge(entries: readonly GossipDigestEntry[], sender: string, now: number): MemberChange[] {
    const changes: MemberChange[] = [];
    const selfId = this.local.info.nodeId;
    for (const entry of entries) {
      if (entry.nodeId === selfId) {
        this.refute(entry);
        continue;
      }
      const change = entry.nodeId === sender ? this.mergeFirstHand(entry, now) : this.mergeRelayed(entry, sender, now);
      if (change) changes.push(change);
    }
    this.table.compact();
    return changes;
  }

  /**
   * Merges a compact digest from `sender`. For a member known here an entry claims exactly what a
   * full entry of a third party may (heartbeat progress at the known incarnation, a suspicion); an
   * unknown id introduces no one and is wanted instead (its full entry pulled on the next messages).
   * The sender's own id is skipped: its full entry travels with every message.
   */
  mergeCompact(entries: readonly GossipCompactEntry[], sender: string, now: number, wanted: WantedMembers): MemberChange[] {
    const changes: MemberChange[] = [];
    const selfId = this.local.info.nodeId;
    for (const compact of entries) {
      const { nodeId, incarnation, heartbeat, state } = compact;
      if (nodeId === sender) continue;
      if (nodeId === selfId) {
        this.refute(compact);
        continue;
      }
      const known = this.table.get(nodeId);
      if (!known) {
        if (state === 'alive') wanted.add(nodeId);
        continue;
      }
      // Nothing new (the common case): no entry built.
      if (state === 'alive' && incarnation === known.incarnation && heartbeat <= known.heartbeat) continue;
      const change = this.mergeRelayed(entryOf(known.info, incarnation, heartbeat, state), sender, now);
      if (change) changes.push(change);
    }
    return changes;
  }

  /**
   * This node's own suspicion after a failed probe, of the newest version known: applies only when
   * the member is still alive here and nothing heard since the probe started refutes it.
   */
  suspect(version: MemberVersion, now: number): MemberChange | undefined {
    const known = this.table.get(version.nodeId);
    if (known?.state !== 'alive' || known.incarnation !== version.incarnation) return undefined;
    if (version.heartbeat + this.refuting <= known.heartbeat) return undefined;
    // The newest heartbeat known (the relays' answers may have brought one sent before the silence).
    return this.markSuspect(known, known.heartbeat, now, [this.local.info.nodeId]);
  }

  /** Someone suspects this node at its current incarnation: the next heartbeat goes past that version. */
  private refute(entry: GossipCompactEntry): void {
    const local = this.local;
    if (entry.state !== 'suspect' || entry.incarnation !== local.incarnation) return;
    const refuting = entry.heartbeat + this.refuting;
    if (refuting <= local.heartbeat) return;
    // A heartbeat near 2^53 cannot be passed with safe integers: a forgery, left to first-hand contact to refute.
    if (!Number.isSafeInteger(refuting + 1)) {
      this.counters.ignoredClaims++;
      return;
    }
    local.heartbeat = refuting;
    this.counters.refutedSuspicions++;
    // This node's own entry goes with every news push: the refutation travels at once.
    this.news.raise();
  }

  private mergeFirstHand(entry: GossipDigestEntry, now: number): MemberChange | undefined {
    const { incarnation, heartbeat, state } = entry;
    // A member does not suspect itself.
    if (state === 'suspect') return undefined;
    const info = infoOf(entry);
    const known = this.table.get(entry.nodeId);
    if (!known) {
      // A goodbye from a member never known leaves nothing worth keeping.
      if (state === 'left') return undefined;
      return this.table.add(entry, now, { incarnation, heartbeat });
    }
    if (!selfMayClaim(known.selfSaid, entry, known.state)) return undefined;
    const previous = known.state;
    if (previous === 'suspect' && known.suspicionSpreads && state === 'alive') this.news.noteRefuted(entry.nodeId);
    const progressed = state === 'alive' && (incarnation !== known.incarnation || heartbeat !== known.heartbeat || previous !== 'alive');
    const infoChanged = !sameInfo(known.info, info);
    known.info = info;
    known.incarnation = incarnation;
    known.heartbeat = heartbeat;
    known.selfSaid = { incarnation, heartbeat };
    this.table.setState(known, state, now);
    return { info, previous, state, incarnation, progressed, infoChanged };
  }

  private mergeRelayed(entry: GossipDigestEntry, sender: string, now: number): MemberChange | undefined {
    const known = this.table.get(entry.nodeId);
    if (!known) {
      // A suspicion introduces no one: the member is learnt once someone passes on its heartbeat.
      if (entry.state === 'suspect') return undefined;
      // Introducing a member is how a mesh grows; announcing someone else's departure is not allowed.
      if (entry.state === 'left') {
        this.counters.ignoredClaims++;
        return undefined;
      }
      return this.table.add(entry, now, undefined);
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
      if (entry.heartbeat < known.suspectedHeartbeat + this.refuting) return undefined;
      this.news.noteRefuted(entry.nodeId);
    }
    this.table.setState(known, 'alive', now);
    return { info: known.info, previous, state: 'alive', incarnation: known.incarnation, progressed: true, infoChanged: false };
  }

  /** `sender` suspects the member at `heartbeat` (of the known incarnation). */
  private mergeSuspicion(known: MemberRecord, heartbeat: number, sender: string, now: number): MemberChange | undefined {
    // What is known here refutes the suspicion already (or the member is gone, or a probe's suspicion is held here already).
    if (heartbeat + this.refuting <= known.heartbeat) return undefined;
    if (known.state === 'alive' || (known.state === 'suspect' && !known.suspicionSpreads)) {
      const member = { nodeId: known.info.nodeId, progressAt: known.changedAt, refutedAt: known.refutedAt, doubted: known.doubted };
      if (!this.suspicions.admits(sender, member, now)) {
        this.counters.refusedSuspicions++;
        known.doubted = { sender, at: now };
        return undefined;
      }
    }
    if (known.state === 'suspect' && !known.suspicionSpreads) {
      // Silent here too: the probe's suspicion replaces the local one, which keeps its start.
      known.suspicionSpreads = true;
      known.suspectedHeartbeat = heartbeat;
      known.confirmedBy = [sender];
      return undefined;
    }
    if (known.state === 'suspect') {
      // Another member suspects it too: an independent confirmation (Lifeguard), the suspicion ends sooner.
      if (known.confirmedBy.length <= SUSPICION_CONFIRMATIONS && !known.confirmedBy.includes(sender)) known.confirmedBy.push(sender);
      return undefined;
    }
    if (known.state !== 'alive') return undefined;
    // Not a heartbeat of the member: a suspicion neither moves the heartbeat known for it nor names a
    // later one (else a forged suspicion far ahead could never be refuted by its heartbeats).
    return this.markSuspect(known, Math.min(heartbeat, known.heartbeat), now, [sender]);
  }

  private markSuspect(known: MemberRecord, heartbeat: number, now: number, confirmedBy: string[]): MemberChange {
    known.confirmedBy = confirmedBy;
    known.state = 'suspect';
    known.suspectedAt = now;
    known.suspectedHeartbeat = heartbeat;
    known.suspicionSpreads = true;
    this.news.raise();
    return { info: known.info, previous: 'alive', state: 'suspect', incarnation: known.incarnation, progressed: false, infoChanged: false };
  }
}
