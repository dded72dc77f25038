/** Independent confirmations at which a suspicion's timeout is shortest (Lifeguard's K). */
export const SUSPICION_CONFIRMATIONS = 3;

/**
 * How long a member stays suspect before it is judged dead, after `confirmations` other members
 * said they suspect it too (Lifeguard's dynamic suspicion timeout): the whole timeout with none,
 * shrinking logarithmically to half of it at SUSPICION_CONFIRMATIONS. Each confirmation is a
 * distinct sender whose suspicion passed the rules (same version, not refuted here).
 */
export function confirmedSuspicionMs(timeoutMs: number, confirmations: number): number {
  const k = Math.min(Math.max(0, confirmations), SUSPICION_CONFIRMATIONS);
  const shortest = timeoutMs / 2;
  return Math.max(shortest, timeoutMs - (timeoutMs - shortest) * (Math.log(k + 1) / Math.log(SUSPICION_CONFIRMATIONS + 1)));
}
