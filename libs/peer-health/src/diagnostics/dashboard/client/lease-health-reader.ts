import { headers, refused, tokenAccepted } from './auth';
import { DASHBOARD_FIRST_RENDER_MARK, DASHBOARD_FIRST_ROWS_MARK, DASHBOARD_PAGE_SIZE } from '../dashboard-marks';
import { renderDetail, renderTiles } from './panels';
import { invalidate } from './peer-list';
import { toRecord, type PeerRecord } from './peer-record';
import { state, type StreamEvent } from './state';
import { renderTable } from './table';
import { applyTransition } from './transitions';
import { arrayField, field } from './wire';

// Reading lease-health page by page (relative to the page, following its `Link: rel="next"`).

interface Page {
  readonly next: string | null;
  readonly body: Promise<unknown>;
}

function nextLink(header: string | null): string | null {
  const m = /<([^>]*)>\s*;\s*rel="?next"?/.exec(header || '');
  const link = m?.[1];
  // Only a path on this host is followed.
  return link !== undefined && link.startsWith('/') && link.charAt(1) !== '/' ? link : null;
}

function fetchPage(url: string): Promise<Page> {
  return fetch(url, { headers: headers('application/json') }).then((response) => {
    if (refused(response)) throw new Error('unauthorized');
    if (!response.ok) throw new Error(`lease-health answered ${response.status}`);
    return { next: nextLink(response.headers.get('link')), body: response.json() as Promise<unknown> };
  });
}

function markOnce(name: string): void {
  if (performance.getEntriesByName(name).length === 0) performance.mark(name);
}

function summaryCounts(summary: unknown): void {
  const eligible = field(summary, 'eligiblePeers');
  const unhealthy = field(summary, 'unhealthyPeers');
  if (typeof eligible === 'number' && typeof unhealthy === 'number') {
    state.counts = { healthy: eligible, unhealthy, pending: Number(field(summary, 'pendingReassignments')) || 0 };
  }
}

// Makes read records the page's view: all of them at the end of a read or, on the first read of a
// view of several pages, the first page at once (the tiles then show the summary of the whole view,
// which every page carries).
function adopt(fresh: PeerRecord[], summary: unknown, replay: readonly StreamEvent[]): void {
  state.records = fresh;
  state.byId = new Map();
  state.goneCount = 0;
  const counts = { healthy: 0, unhealthy: 0, pending: 0 };
  state.counts = counts;
  for (const r of fresh) {
    state.byId.set(r.id, r);
    if (r.gone) {
      state.goneCount++;
      continue;
    }
    if (r.healthy) counts.healthy++;
    else counts.unhealthy++;
    counts.pending += r.pending;
  }
  if (summary) summaryCounts(summary);
  // Transitions that arrived while the pages were read may be newer than what they say.
  replay.forEach((e) => applyTransition(e));
  tokenAccepted();
  invalidate();
  renderTable();
  renderTiles();
  renderDetail();
  markOnce(DASHBOARD_FIRST_ROWS_MARK);
}

let loading: Promise<void> | null = null;

/** Reads the whole view (one read at a time: a read already running is joined). */
export function load(): Promise<void> {
  if (loading) return loading;
  const fresh: PeerRecord[] = [];
  let ord = 0;
  const initial = state.records.length === 0;
  state.sinceLoad = [];
  // The next page is requested as soon as this one's headers arrive; its records are taken after this
  // page's (a record's place in peerId order is the order it is taken in, and a short last page can
  // finish parsing before a long first one).
  const step = (promise: Promise<Page>): Promise<void> =>
    promise.then((page) => {
      const after = page.next ? fetchPage(page.next) : null;
      // Its failure is met when it is stepped into, not reported before.
      after?.catch(ignore);
      return page.body.then((body) => {
        const peers = arrayField(body, 'peers');
        for (const peer of peers) fresh.push(toRecord(peer, ord++));
        if (initial && after && ord === peers.length) {
          state.reading = true;
          adopt(fresh.slice(), field(body, 'summary'), state.sinceLoad ?? []);
        }
        return after ? step(after) : undefined;
      });
    });
  loading = step(fetchPage('lease-health?limit=' + String(DASHBOARD_PAGE_SIZE))).then(
    () => {
      const replay = state.sinceLoad ?? [];
      state.sinceLoad = null;
      loading = null;
      state.reading = false;
      adopt(fresh, null, replay);
      markOnce(DASHBOARD_FIRST_RENDER_MARK);
    },
    (error: unknown) => {
      loading = null;
      state.sinceLoad = null;
      state.reading = false;
      throw error;
    },
  );
  return loading;
}

let refreshTimer: ReturnType<typeof setTimeout> | null = null;

/** Re-reads the view soon (debounced): events say a peer changed, the read brings its details. */
export function scheduleRefresh(): void {
  if (refreshTimer !== null) return;
  // A large fleet takes a while to read: re-read it less often (its rows follow the events meanwhile).
  const delay = state.records.length > 1000 ? 3000 : 250;
  refreshTimer = setTimeout(() => {
    refreshTimer = null;
    load().catch(ignore);
  }, delay);
}

/** Failed reads are retried by the timers; the page shows the last view meanwhile. */
export function ignore(): void {
  // nothing to do
}
