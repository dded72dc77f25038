import { dependsOnStatus, moveInList, removeFromList } from './peer-list';
import { state, type StreamEvent } from './state';

/** Applies a transition event; returns whether the peer was known. Counts and the row follow the new status. */
export function applyTransition(e: StreamEvent): boolean {
  const r = typeof e.peerId === 'string' ? state.byId.get(e.peerId) : undefined;
  if (!r || r.gone) return false;
  const { counts } = state;
  if (e.to === 'evicted') {
    removeFromList(r);
    r.gone = true;
    state.goneCount++;
    if (r.healthy) counts.healthy--;
    else counts.unhealthy--;
    counts.pending -= r.pending;
  } else {
    const healthy = e.to === 'healthy';
    if (healthy !== r.healthy) {
      r.healthy = healthy;
      r.peer.isHealthy = healthy;
      if (healthy) {
        counts.healthy++;
        counts.unhealthy--;
      } else {
        counts.healthy--;
        counts.unhealthy++;
      }
      if (dependsOnStatus()) moveInList(r, !healthy);
    }
    r.ver++;
  }
  return true;
}
