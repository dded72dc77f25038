import type { PeerHealthPolicy } from './interfaces/peer-health-policy.interface';
import type { PeerState } from './peer-state';

/**
 * What the tracker keeps per peer when a health policy other than the grace-period rule decides: the
 * policy's own history of the peer, its latest answer, and where the peer is filed in the expiry
 * wheel. Kept beside the peer (a WeakMap keyed by its PeerState, which only exists when such a
 * policy is configured), so that under the default rule a peer's state is laid out exactly as before
 * and its deadline is simply lastHeartbeat + grace.
 * @internal
 */
export class PolicyPeerState {
  /** Last instant the peer counts as healthy without a further sign of life. */
  healthyUntil = Infinity;
  /** The deadline the peer's live expiry-wheel entry was filed under: entries in other buckets are stale. */
  filedAt = Infinity;

  constructor(readonly history: unknown) {}
}

/**
 * The slow twin of the inline grace rule: tells the configured policy of a sign of life of `peer`
 * at `now`, and keeps its answer sane (never before `now`).
 * @internal
 */
export function recordPolicyArrival(states: WeakMap<PeerState, PolicyPeerState>, policy: PeerHealthPolicy, peer: PeerState, now: number): void {
  let state = states.get(peer);
  if (state === undefined) {
    state = new PolicyPeerState(policy.createPeerHistory());
    states.set(peer, state);
  }
  const until = policy.recordArrival(state.history, now);
  state.healthyUntil = typeof until === 'number' && until >= now ? until : now;
}
