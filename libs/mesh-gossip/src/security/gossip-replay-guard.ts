/** Why a message was refused as a replay. */
export type ReplayVerdict = 'fresh' | 'outside-window' | 'seen';

/**
 * Refuses a signed message sent outside ±windowMs of the local clock, or whose nonce was already
 * seen. Nonces are remembered only for as long as their message could still be inside the window,
 * and at most `capacity` of them (oldest dropped first), so the memory is bounded whatever arrives;
 * only messages with a valid MAC get here, so only key holders can fill it.
 */
export class GossipReplayGuard {
  /** nonce -> sentAt, in insertion order (which is roughly sentAt order). */
  private readonly seen = new Map<string, number>();

  constructor(
    readonly windowMs: number,
    private readonly capacity: number,
  ) {}

  get remembered(): number {
    return this.seen.size;
  }

  check(sentAt: number, nonce: string, now: number): ReplayVerdict {
    if (Math.abs(now - sentAt) > this.windowMs) return 'outside-window';
    this.forget(now);
    if (this.seen.has(nonce)) return 'seen';
    this.seen.set(nonce, sentAt);
    while (this.seen.size > this.capacity) {
      const oldest = this.seen.keys().next();
      if (oldest.done === true) break;
      this.seen.delete(oldest.value);
    }
    return 'fresh';
  }

  /** Drops nonces whose messages are now outside the window anyway. */
  private forget(now: number): void {
    for (const [nonce, sentAt] of this.seen) {
      if (now - sentAt <= this.windowMs) break;
      this.seen.delete(nonce);
    }
  }
}
