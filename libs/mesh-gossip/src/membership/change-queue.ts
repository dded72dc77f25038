/** Entries queued at most; past it the oldest change stops travelling (the digests still carry versions). */
const MAX_QUEUED = 1024;
/** SWIM's λ (memberlist's retransmit multiplier): a change travels λ·⌈log10(N + 1)⌉ times. */
export const CHANGE_RETRANSMIT_MULTIPLIER = 4;

/**
 * Membership changes (joins, suspicions, refutations, departures, new metadata) waiting to ride on
 * this node's next messages as full entries, each a bounded number of times, about λ·log N (SWIM's
 * infection-style dissemination): the fewest-sent first.
 * @internal
 */
export class ChangeQueue {
  /** Node id -> transmissions left. */
  private readonly left = new Map<string, number>();

  get size(): number {
    return this.left.size;
  }

  /** Queues (or queues again, with a full count) a change of `nodeId` in a mesh of `members`. */
  note(nodeId: string, members: number): void {
    this.left.delete(nodeId);
    this.left.set(nodeId, CHANGE_RETRANSMIT_MULTIPLIER * Math.max(1, Math.ceil(Math.log10(members + 1))));
    if (this.left.size > MAX_QUEUED) {
      const oldest = this.left.keys().next();
      if (oldest.done !== true) this.left.delete(oldest.value);
    }
  }

  clear(): void {
    this.left.clear();
  }

  /** Up to `max` node ids to send now (the most transmissions left first), each counted as sent once. */
  take(max: number): string[] {
    if (this.left.size === 0 || max <= 0) return [];
    const chosen = [...this.left].sort((a, b) => b[1] - a[1]).slice(0, max);
    for (const [nodeId, count] of chosen) {
      if (count <= 1) this.left.delete(nodeId);
      else this.left.set(nodeId, count - 1);
    }
    return chosen.map(([nodeId]) => nodeId);
  }
}
