import { $input } from './dom';
import { statusOf } from './format';
import { type PeerRecord } from './peer-record';
import { state, type SortKey } from './state';

// The sorted, filtered list. Sort keys: a number, or a string ranked among its distinct values; ties
// go by peerId order. A record's place is rank * records.length + ord, so one typed-array sort orders
// the list and a binary search finds a record in it.

type SortValue = string | number;

const SORT_KEYS: Readonly<Record<Exclude<SortKey, 'peerId'>, (r: PeerRecord) => SortValue>> = {
  status: (r) => (r.healthy ? 1 : 0),
  role: (r) => r.role,
  region: (r) => r.region,
  leases: (r) => r.leases,
  heartbeat: (r) => (r.hb === null ? -Infinity : r.hb),
  reason: (r) => r.reason,
};

function compare(x: SortValue, y: SortValue): number {
  return x < y ? -1 : x > y ? 1 : 0;
}

let list: PeerRecord[] = [];
let listValid = false;
const view: { wanted: string; search: string; ranks: Map<SortValue, number> | null } = { wanted: '', search: '', ranks: null };

/** The list as last built (the rows shown, in order). */
export function shownList(): readonly PeerRecord[] {
  return list;
}

/** The list is rebuilt before it is drawn next. */
export function invalidate(): void {
  listValid = false;
}

/** Whether the list needs rebuilding. */
export function listIsValid(): boolean {
  return listValid;
}

/** Whether a record's status decides its place or its presence in the list. */
export function dependsOnStatus(): boolean {
  return state.sort.key === 'status' || view.wanted !== '';
}

/** Whether a record is shown under the current filters. */
export function passes(r: PeerRecord): boolean {
  return !r.gone && (!view.wanted || statusOf(r) === view.wanted) && (!view.search || r.hay.includes(view.search));
}

function placeOf(r: PeerRecord): number {
  const { sort, records } = state;
  const n = records.length;
  let rank: number;
  if (sort.key === 'peerId') rank = 0;
  // Status is the one key events change: its two ranks are fixed.
  else if (sort.key === 'status') rank = sort.dir > 0 ? (r.healthy ? 1 : 0) : r.healthy ? 0 : 1;
  else rank = view.ranks?.get(SORT_KEYS[sort.key](r)) ?? 0;
  const ord = sort.key === 'peerId' && sort.dir < 0 ? n - 1 - r.ord : r.ord;
  return rank * n + ord;
}

/** Reads the filters and sorts the records that pass them. */
export function buildList(): void {
  const { sort, records } = state;
  view.wanted = $input('status-filter').value;
  view.search = $input('search').value.trim().toLowerCase();
  view.ranks = null;
  if (sort.key !== 'peerId' && sort.key !== 'status') {
    const keyOf = SORT_KEYS[sort.key];
    // Ranks over every record (not only the shown ones), so any record has a place in the list.
    const distinct = new Set<SortValue>();
    for (const r of records) distinct.add(keyOf(r));
    const values = Array.from(distinct).sort(compare);
    const ranks = new Map<SortValue, number>();
    values.forEach((value, v) => ranks.set(value, sort.dir > 0 ? v : values.length - 1 - v));
    view.ranks = ranks;
  }
  const places: number[] = [];
  for (const r of records) if (passes(r)) places.push(placeOf(r));
  const sorted = Float64Array.from(places).sort();
  const n = records.length;
  const reversed = sort.key === 'peerId' && sort.dir < 0;
  list = [];
  for (const place of sorted) {
    const ord = place % n;
    const r = records[reversed ? n - 1 - ord : ord];
    if (r !== undefined) list.push(r);
  }
  listValid = true;
}

// First index of the list whose place is not below the given one.
function indexOfPlace(place: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const r = list[mid];
    if (r !== undefined && placeOf(r) < place) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Takes a shown record out of the list without re-sorting it (or marks the list for a rebuild). */
export function removeFromList(r: PeerRecord): void {
  if (!listValid || !passes(r)) return;
  const at = indexOfPlace(placeOf(r));
  if (list[at] === r) list.splice(at, 1);
  else listValid = false;
}

/**
 * A record's status changed: it leaves its old place and takes its new one (or leaves or joins a
 * status-filtered list) without re-sorting the list.
 */
export function moveInList(r: PeerRecord, wasHealthy: boolean): void {
  if (!listValid) return;
  const now = r.healthy;
  r.healthy = wasHealthy;
  removeFromList(r);
  r.healthy = now;
  if (listIsValid() && passes(r)) list.splice(indexOfPlace(placeOf(r)), 0, r);
}
