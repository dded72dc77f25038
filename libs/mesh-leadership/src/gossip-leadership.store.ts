import { createHash } from 'node:crypto';
import type { GossipMemberView } from '@omnirelay/mesh-gossip';
import type { LeadershipStore, ScopeLeadership } from './interfaces/leadership-store.interface';

/** Rendezvous (highest random weight) score: every node computes the same winner per scope. */
function score(scope: string, nodeId: string): string {
  return createHash('sha256').update(`${scope}\u0000${nodeId}`).digest('hex');
}

/**
 * Embedded leadership: each scope is led by the alive candidate with the highest rendezvous score
 * among members heard first-hand (a member only others mention may be invented),
 * so every node that sees the same membership elects the same leader, and scopes spread over
 * candidates. Suspect members do not lead, so a silent leader is replaced within the suspicion
 * timeout. Terms are counted per node and only grow.
 */
export class GossipLeadershipStore implements LeadershipStore {
  private readonly state = new Map<string, ScopeLeadership>();
  private readonly listeners = new Set<(leadership: ScopeLeadership) => void>();
  private alive: readonly string[] = [];
  /**
   * Each candidate's score per scope (in `scopes` order), kept for the candidates of the last
   * election only: a score is a pure function of the scope and the node id, and the service elects
   * after every batch of membership changes (a SHA-256 per candidate and scope each time otherwise).
   */
  private scores = new Map<string, readonly string[]>();

  constructor(
    private readonly scopes: readonly string[],
    private readonly candidateRoles: ReadonlySet<string>,
    private readonly now: () => number = Date.now,
  ) {
    for (const scope of scopes) this.state.set(scope, { scope, leaderId: undefined, term: 0, since: now() });
  }

  leaders(): readonly ScopeLeadership[] {
    return this.scopes.map((scope) => this.state.get(scope) ?? { scope, leaderId: undefined, term: 0, since: 0 });
  }

  participants(): readonly string[] {
    return this.alive;
  }

  onChange(listener: (leadership: ScopeLeadership) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Re-elects every scope from the current membership view. */
  update(members: readonly GossipMemberView[]): void {
    const alive = members.filter((m) => m.state === 'alive');
    this.alive = alive.map((m) => m.nodeId);
    // Only members heard first-hand may lead: one that others merely mention could be invented.
    const candidates = alive.filter((m) => m.firstHand && this.candidateRoles.has(m.role)).map((m) => m.nodeId);
    const scores = new Map<string, readonly string[]>();
    for (const nodeId of candidates) scores.set(nodeId, this.scores.get(nodeId) ?? this.scopes.map((scope) => score(scope, nodeId)));
    this.scores = scores;
    for (const [index, scope] of this.scopes.entries()) {
      let leaderId: string | undefined;
      let best = '';
      for (const nodeId of candidates) {
        const s = scores.get(nodeId)?.[index] ?? score(scope, nodeId);
        if (s > best) {
          best = s;
          leaderId = nodeId;
        }
      }
      const current = this.state.get(scope);
      if (current?.leaderId === leaderId) continue;
      const next: ScopeLeadership = { scope, leaderId, term: (current?.term ?? 0) + 1, since: this.now() };
      this.state.set(scope, next);
      for (const listener of this.listeners) listener(next);
    }
  }
}
