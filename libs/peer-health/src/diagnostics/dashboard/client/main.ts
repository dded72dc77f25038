/**
 * The dashboard's browser script (bundled into one inline script of the page; no external fetches).
 * It reads `lease-health` (relative to the page) page by page, follows `lease-health/events` by fetch
 * streaming, reads `leaders` when the host serves it, and renders a virtualized table.
 *
 * Built for 10,000 peers and more: each peer becomes one compact row record when its page is parsed
 * (the next page is already requested while this one parses); the sorted, filtered list is an array
 * of records sorted once by a numeric key and rebuilt at most once per animation frame, and only when
 * what it depends on changed; events only mark what changed and one frame draws it; the table holds a
 * fixed pool of row elements, each showing the list index that maps to it, rewritten only when that
 * index or its record changed; layout is read at the start of a frame, before any write. Untrusted
 * text (peer ids, metadata) only ever reaches the page as `textContent`.
 */
import { storeToken, waitingForToken } from './auth';
import { $, $input } from './dom';
import { follow } from './event-stream';
import { requestRender } from './frame';
import { loadLeaders } from './leaders';
import { ignore, load } from './lease-health-reader';
import { renderDetail } from './panels';
import { invalidate } from './peer-list';
import { isSortKey, state } from './state';
import { onRowSelected, renderTable, tickAge } from './table';

// What a person does is drawn at once (and rarely): a click, a filter, a sort.
onRowSelected((peerId) => {
  state.selected = peerId;
  renderTable();
  renderDetail();
});
$('viewport').addEventListener('scroll', () => requestRender({ table: true }), { passive: true });
window.addEventListener('resize', () => requestRender({ table: true }));
const refilter = (): void => {
  invalidate();
  renderTable();
};
$input('status-filter').addEventListener('change', refilter);
$input('search').addEventListener('input', refilter);
const heads = document.querySelectorAll<HTMLElement>('.grid-head span');
heads.forEach((span) => {
  span.addEventListener('click', () => {
    const key = span.dataset.key;
    if (!isSortKey(key)) return;
    state.sort = { key, dir: state.sort.key === key ? (state.sort.dir > 0 ? -1 : 1) : 1 };
    heads.forEach((s) => s.classList.toggle('sorted', s.dataset.key === key));
    refilter();
  });
});
$('token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = $input('token');
  storeToken(input.value);
  input.value = '';
  load().then(loadLeaders).catch(ignore);
});

// Heartbeat ages move with the clock: the visible rows' age cells are redrawn once a second.
setInterval(() => {
  tickAge();
  requestRender({ table: true });
}, 1000);

// Heartbeats and leases are not streamed: the view is re-read every second while it is small (so
// the heartbeat age a row shows when it turns unhealthy is the grace period, give or take a
// second), every 10 s once it is large; the leaders every 10 s.
function reread(): void {
  load()
    .catch(ignore)
    .then(() => {
      // Waiting for a token is no reason to knock every second.
      const slow = state.records.length > 1000 || waitingForToken();
      setTimeout(reread, slow ? 10000 : 1000);
    })
    .catch(ignore);
}
setTimeout(reread, 1000);
setInterval(() => void loadLeaders(), 10000);
load().catch(ignore).then(loadLeaders).catch(ignore);
follow();
