import { RateWindow } from './security/rate-window';

/** Suspicions one sender may get adopted here per suspicion timeout, at most. */
export const SUSPICIONS_PER_SENDER = 8;

/** What this node knows of the member a suspicion names. */
export interface SuspectedMember {
  readonly nodeId: string;
  /** Local time of the last progress heard. */
  readonly progressAt: number;
  /** Local time the member last came back from suspect (-Infinity if never). */
  readonly refutedAt: number;
  /** The last sender whose suspicion of the member was refused here, and when. */
  readonly doubted: { readonly sender: string; readonly at: number } | undefined;
}

/**
 * Whether a third party's suspicion of a member is adopted here (SWIM suspicion, hardened against
 * a key holder flooding forged suspicions):
 * - a member whose suspicion was refuted, or that came back from suspect, is immune for one
 *   suspicion timeout (`immunityMs`);
 * - the suspicion needs something this node saw itself: the member quiet here (no progress heard
 *   for `quietMs`), a probe of it running here, or a probe of it this node relayed that did not
 *   reach it (`corroborates`); in a mesh whose digest goes in windows (`secondSender`), where a
 *   member's relayed heartbeats keep arriving for rounds after it went silent, also a second sender
 *   naming the suspicion within one suspicion timeout of a first one refused here;
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
  /** A second sender's suspicion corroborates a first one refused (set while the digest goes in windows). */
  secondSender = false;
  private readonly perSender = new RateWindow(SUSPICIONS_PER_SENDER, this.immunityMs);

  /** Sets the suspicion timeout, the round interval, and whether a second sender corroborates (the digest goes in windows). */
  configure(suspicionTimeoutMs: number, roundIntervalMs: number, secondSender = false): void {
    this.secondSender = secondSender;
    this.immunityMs = suspicionTimeoutMs;
    this.perSender.windowMs = suspicionTimeoutMs;
    this.quietMs = Math.max(2 * roundIntervalMs, suspicionTimeoutMs / 3);
  }

  /** True when `sender`'s suspicion of `member` is adopted. */
  admits(sender: string, member: SuspectedMember, now: number): boolean {
    if (now - member.refutedAt < this.immunityMs) return false;
    if (now - member.progressAt < this.quietMs && !this.seconded(sender, member, now) && !this.corroborates(member.nodeId, now)) return false;
    return this.perSender.take(sender, now);
  }

  private seconded(sender: string, member: SuspectedMember, now: number): boolean {
    const { doubted } = member;
    return this.secondSender && doubted !== undefined && doubted.sender !== sender && now - doubted.at < this.immunityMs;
  }
}
