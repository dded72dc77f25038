import { RateWindow } from './security/rate-window';

/** Suspicions one sender may get adopted here per suspicion timeout, at most. */
export const SUSPICIONS_PER_SENDER = 8;

/**
 * Whether a third party's suspicion of a member is adopted here (SWIM suspicion, hardened against
 * a key holder flooding forged suspicions):
 * - a member whose suspicion was refuted, or that came back from suspect, is immune for one
 *   suspicion timeout (`immunityMs`);
 * - the suspicion needs something this node saw itself: the member quiet here (no progress heard
 *   for `quietMs`), a probe of it running here, or a probe of it this node relayed that did not
 *   reach it (`corroborates`);
 * - each sender gets at most SUSPICIONS_PER_SENDER suspicions adopted per suspicion timeout.
 * @internal
 */
export class SuspicionGate {
  /** One suspicion timeout (the protocol sets the applied one every round). */
  immunityMs = 5000;
  /** No progress heard for this long is a first-hand sign the member may be gone. */
  quietMs = 2000;
  /** This node's own evidence against the member besides its silence (a probe running, an unreached relay). */
  corroborates: (nodeId: string, now: number) => boolean = () => false;
  private readonly perSender = new RateWindow(SUSPICIONS_PER_SENDER, this.immunityMs);

  /** Sets the suspicion timeout applied and the round interval. */
  configure(suspicionTimeoutMs: number, roundIntervalMs: number): void {
    this.immunityMs = suspicionTimeoutMs;
    this.perSender.windowMs = suspicionTimeoutMs;
    this.quietMs = Math.max(2 * roundIntervalMs, suspicionTimeoutMs / 3);
  }

  /** True when `sender`'s suspicion of `nodeId` (last progress at `progressAt`, refuted at `refutedAt`) is adopted. */
  admits(sender: string, nodeId: string, progressAt: number, refutedAt: number, now: number): boolean {
    if (now - refutedAt < this.immunityMs) return false;
    if (now - progressAt < this.quietMs && !this.corroborates(nodeId, now)) return false;
    return this.perSender.take(sender, now);
  }
}
