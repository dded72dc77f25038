import type { Clock } from '../base/interfaces/clock.interface';
import type { PeerHealthLeadershipChange, PeerHealthLeadershipListener } from '../base/interfaces/peer-health-stream-events.interface';
import { ListenerSet } from './listener-set';

/** Scopes remembered at most: a leadership service with more is misbehaving, and memory stays bounded. */
const MAX_SCOPES = 4096;

/**
 * The leader of each scope as leadership services publish it, and the listeners told of each change
 * (the kit's event stream). Repeating the current leader of a scope is not a change.
 * @internal
 */
export class LeadershipFeed {
  /** The last leader published per scope, so that repeating a leader is not a change. */
  private readonly leaders = new Map<string, string | null>();
  private readonly listeners: ListenerSet<PeerHealthLeadershipChange>;

  constructor(
    private readonly clock: Clock,
    listenerFailed: (error: unknown) => void,
  ) {
    this.listeners = new ListenerSet(listenerFailed);
  }

  publish(change: Omit<PeerHealthLeadershipChange, 'at'> & { readonly at?: number }): void {
    if (typeof change.scope !== 'string' || change.scope.length === 0) return;
    const leaderId = typeof change.leaderId === 'string' ? change.leaderId : null;
    if (this.leaders.has(change.scope) && this.leaders.get(change.scope) === leaderId) return;
    if (this.leaders.size >= MAX_SCOPES && !this.leaders.has(change.scope)) return;
    this.leaders.set(change.scope, leaderId);
    if (this.listeners.size === 0) return;
    const at = typeof change.at === 'number' && Number.isFinite(change.at) ? change.at : this.clock.now();
    const term = typeof change.term === 'number' && Number.isFinite(change.term) ? change.term : undefined;
    this.listeners.emit(term === undefined ? { scope: change.scope, leaderId, at } : { scope: change.scope, leaderId, term, at });
  }

  subscribe(listener: PeerHealthLeadershipListener): () => void {
    return this.listeners.add(listener);
  }

  /** A copy of the leader of every scope published so far (null: the scope has no leader now). */
  leadersByScope(): ReadonlyMap<string, string | null> {
    return new Map(this.leaders);
  }
}
