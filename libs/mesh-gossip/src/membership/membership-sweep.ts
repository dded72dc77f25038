import type { GossipMemberState } from '../interfaces/gossip-member.interface';
import type { MemberChange } from './member-change';
import { isTombstone } from './member-record';
import type { MemberTable } from './member-table';
import { confirmedSuspicionMs } from '../confirmed-suspicion';

/** The sweep's clock rules, ms. @internal */
export interface SweepTimeouts {
  /** Silent this long (no heartbeat progress heard): suspected here. */
  readonly silenceMs: number;
  /** Suspect this long: dead (shorter once other members confirmed the suspicion). */
  readonly suspicionMs: number;
  /** Dead or left this long: forgotten. */
  readonly forgetAfterMs: number;
  /** More silence allowed to a member not heard from since it was learnt. */
  readonly unheardGraceMs?: number;
}

/**
 * Failure detection with the local clock: marks silent members suspect, members suspect for a whole
 * timeout dead (shorter once other members confirmed the suspicion, see confirmedSuspicionMs), and forgets long-gone ones.
 * @internal
 */
export function sweepMembers(table: MemberTable, now: number, timeouts: SweepTimeouts): MemberChange[] {
  const { silenceMs, suspicionMs, forgetAfterMs, unheardGraceMs = 0 } = timeouts;
  const changes: MemberChange[] = [];
  for (const [nodeId, member] of table.entries()) {
    const silentFor = now - member.changedAt;
    // Not heard from since it was learnt: its next heartbeat has a whole dissemination to travel first.
    const grace = member.heartbeat === member.learntHeartbeat ? unheardGraceMs : 0;
    let next: GossipMemberState = member.state;
    if (member.state === 'alive' && silentFor > silenceMs + grace) next = 'suspect';
    else if (member.state === 'suspect' && now - member.suspectedAt > confirmedSuspicionMs(suspicionMs, member.confirmedBy.length - 1)) next = 'dead';
    else if (isTombstone(member.state) && silentFor > forgetAfterMs) {
      table.remove(nodeId, member);
      continue;
    }
    if (next === member.state) continue;
    const previous = member.state;
    if (next === 'dead') table.setState(member, next, now);
    else {
      member.state = next;
      // Suspect since the silence crossed its limit, so that death comes a suspicion timeout later.
      member.suspectedAt = member.changedAt + silenceMs + grace;
      member.suspectedHeartbeat = member.heartbeat;
      member.suspicionSpreads = false;
      member.confirmedBy = [];
    }
    changes.push({ info: member.info, previous, state: next, incarnation: member.incarnation, progressed: false, infoChanged: false });
  }
  table.compact();
  return changes;
}
