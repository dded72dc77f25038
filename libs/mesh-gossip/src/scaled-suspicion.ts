import { REFUTING_HEARTBEATS } from './membership/membership-limits';

/**
 * Rounds of silence tolerated per page of the member list. A member's heartbeat reaches a node only
 * when a page holding it does, so a member list of P pages needs about P rounds per hop; measured
 * in a simulated 2,000-member mesh, 2 rounds per page still gave false suspicions, 4 none.
 */
export const SUSPICION_ROUNDS_PER_PAGE = 4;

/** Messages the member list takes when each carries `pageEntries` of `members` (1 when it goes whole). */
export function digestPages(members: number, pageEntries: number): number {
  return Math.max(1, Math.ceil(members / Math.max(1, pageEntries)));
}

/**
 * How long a member may stay silent (no heartbeat progress heard) before this node suspects it on
 * its own: the configured suspicion timeout, or longer when the member list no longer fits in one
 * message, so that paging does not make live members look silent. In a paged mesh this is only a
 * backstop: a crash is found by the probes of those who contact the member, whose suspicion
 * travels and ends in death after the configured timeout, not this one.
 */
export function scaledSuspicionMs(configuredMs: number, roundIntervalMs: number, members: number, pageEntries: number): number {
  return silenceForPagesMs(configuredMs, roundIntervalMs, digestPages(members, pageEntries));
}

/** scaledSuspicionMs for a digest already known to take `pages` messages. */
export function silenceForPagesMs(configuredMs: number, roundIntervalMs: number, pages: number): number {
  return pages <= 1 ? configuredMs : Math.max(configuredMs, roundIntervalMs * SUSPICION_ROUNDS_PER_PAGE * pages);
}

/**
 * How far past a suspected heartbeat a heartbeat must be to refute the suspicion. A member's last
 * heartbeats before it went silent still reach nodes for a while: about two rounds when every
 * message carries the whole list, and about as many rounds per page when the list goes page by page,
 * so the margin grows with the pages (the suspected member itself jumps past it at once).
 */
export function refutingHeartbeats(pages: number): number {
  return REFUTING_HEARTBEATS * pages;
}
