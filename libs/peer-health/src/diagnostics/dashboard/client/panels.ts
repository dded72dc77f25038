import { $, make, text } from './dom';
import { ageText, statusOf } from './format';
import { field } from './wire';
import { state } from './state';

/** The tiles: healthy, unhealthy, pending reassignments, peers. */
export function renderTiles(): void {
  const { counts } = state;
  text($('tile-healthy'), String(counts.healthy));
  text($('tile-unhealthy'), String(counts.unhealthy));
  text($('tile-pending'), String(counts.pending));
  text($('tile-peers'), String(counts.healthy + counts.unhealthy));
}

/** The selected peer's details: status, heartbeat, metadata, leases. */
export function renderDetail(): void {
  const box = $('detail');
  box.replaceChildren();
  const r = state.selected === null ? undefined : state.byId.get(state.selected);
  if (!r) {
    box.appendChild(make('p', 'muted', 'Select a peer.'));
    return;
  }
  const p = r.peer;
  const dl = make('dl');
  const pair = (k: string, v: unknown): void => {
    dl.appendChild(make('dt', '', k));
    dl.appendChild(make('dd', '', String(v)));
  };
  pair('peer', r.id);
  pair('status', statusOf(r));
  pair('last heartbeat', `${String(p.lastHeartbeat)} (${ageText(r.hb, Date.now())})`);
  if (p.lastDisconnect) pair('last disconnect', p.lastDisconnect);
  pair('pending reassignments', String(r.pending));
  const metadata = p.metadata;
  Object.keys(metadata || {}).forEach((k) => pair(k, field(metadata, k)));
  box.appendChild(dl);
  const leases: readonly unknown[] = Array.isArray(p.activeLeases) ? (p.activeLeases as readonly unknown[]) : [];
  box.appendChild(make('h2', '', `Leases (${leases.length})`));
  const ol = make('ol');
  leases.forEach((l) => {
    ol.appendChild(make('li', '', `#${String(field(l, 'sequenceId'))} attempt ${String(field(l, 'attempt'))} ${String(field(l, 'leaseId'))}`));
  });
  box.appendChild(ol);
}

/** The leader of every scope, or why there are none. */
export function renderLeaders(): void {
  const box = $('leaders');
  box.replaceChildren();
  const { leaders } = state;
  if (leaders === null) {
    box.appendChild(make('p', 'muted', 'This host serves no leadership view.'));
    return;
  }
  const dl = make('dl');
  Object.keys(leaders)
    .sort()
    .forEach((scope) => {
      dl.appendChild(make('dt', '', scope));
      dl.appendChild(make('dd', '', leaders[scope] || '(none)'));
    });
  box.appendChild(dl);
}
