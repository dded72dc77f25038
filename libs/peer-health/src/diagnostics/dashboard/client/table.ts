import { $, make, text } from './dom';
import { ageText, reasonText, statusOf } from './format';
import { buildList, listIsValid, shownList } from './peer-list';
import { type PeerRecord } from './peer-record';
import { state } from './state';

// The table: a pool of row elements; list index i is drawn by pool[i % pool.length]. Layout is read
// at the start of a frame, before any write; a row is rewritten only when what it shows changed.

/** Height of a row, px (the style sheet's). */
const ROW = 28;
/** Rows drawn above and below the visible ones. */
const OVERSCAN = 6;

/** What a pooled row shows now. */
interface Drawn {
  index: number;
  rec: PeerRecord | null;
  ver: number;
  age: number;
  selected: boolean;
}

interface PoolRow {
  readonly el: HTMLDivElement;
  readonly cells: {
    readonly id: HTMLSpanElement;
    readonly status: HTMLSpanElement;
    readonly role: HTMLSpanElement;
    readonly region: HTMLSpanElement;
    readonly leases: HTMLSpanElement;
    readonly age: HTMLSpanElement;
    readonly reason: HTMLSpanElement;
  };
  drawn: Drawn;
}

const pool: PoolRow[] = [];
let spacerHeight = -1;
let shownText = '';
/** Bumped once a second: heartbeat ages move with the clock. */
let ageSecond = 0;
/** What a click on a row does (set by the page's wiring). */
let onSelect: (peerId: string | null) => void = () => undefined;

const nothingDrawn = (): Drawn => ({ index: -1, rec: null, ver: -1, age: -1, selected: false });

/** Sets what a click on a row does. */
export function onRowSelected(handler: (peerId: string | null) => void): void {
  onSelect = handler;
}

/** The clock moved a second: the visible rows' ages are redrawn with the next frame. */
export function tickAge(): void {
  ageSecond++;
}

function onRowClick(event: MouseEvent): void {
  const row = event.currentTarget;
  onSelect(row instanceof HTMLElement ? (row.dataset.peerId ?? null) : null);
}

function newRow(): PoolRow {
  const el = make('div', 'row');
  const cell = (): HTMLSpanElement => el.appendChild(make('span'));
  const cells = { id: cell(), status: cell(), role: cell(), region: cell(), leases: cell(), age: cell(), reason: cell() };
  el.addEventListener('click', onRowClick);
  el.style.display = 'none';
  return { el, cells, drawn: nothingDrawn() };
}

function ensurePool(size: number): void {
  const spacer = $('spacer');
  while (pool.length < size) {
    const row = newRow();
    spacer.appendChild(row.el);
    pool.push(row);
  }
  if (pool.length > size) pool.splice(size).forEach((row) => row.el.remove());
}

// Which row draws which index depends on the pool's size: after a resize every row starts over.
function resetPool(): void {
  pool.forEach((row) => {
    row.el.style.display = 'none';
    row.drawn = nothingDrawn();
  });
}

function drawRow(row: PoolRow, index: number, r: PeerRecord, now: number): void {
  const { el, cells, drawn } = row;
  const isSelected = r.id === state.selected;
  if (drawn.index === index && drawn.rec === r && drawn.ver === r.ver && drawn.age === ageSecond && drawn.selected === isSelected) return;
  if (drawn.index !== index) el.style.transform = `translateY(${index * ROW}px)`;
  if (el.style.display === 'none') el.style.display = '';
  if (drawn.rec !== r || drawn.ver !== r.ver) {
    el.dataset.peerId = r.id;
    el.dataset.status = statusOf(r);
    text(cells.id, r.id).title = r.id;
    text(cells.status, statusOf(r)).className = `status-${statusOf(r)}`;
    text(cells.role, r.role || '-');
    text(cells.region, r.region || '-');
    text(cells.leases, String(r.leases));
    text(cells.reason, reasonText(r));
  }
  text(cells.age, ageText(r.hb, now));
  if (drawn.selected !== isSelected) el.classList.toggle('selected', isSelected);
  drawn.index = index;
  drawn.rec = r;
  drawn.ver = r.ver;
  drawn.age = ageSecond;
  drawn.selected = isSelected;
}

/** Draws the visible part of the list (rebuilding the list first when it is stale). */
export function renderTable(): void {
  // Layout is read first, before this frame writes anything.
  const viewport = $('viewport');
  const scrollTop = viewport.scrollTop;
  const height = viewport.clientHeight;
  if (!listIsValid()) buildList();
  const list = shownList();
  const size = Math.ceil(height / ROW) + 2 * OVERSCAN;
  if (size !== pool.length) {
    ensurePool(size);
    resetPool();
  }
  const shown = `${list.length} of ${state.records.length - state.goneCount} peers${state.reading ? ', reading the rest...' : ''}`;
  if (shown !== shownText) {
    shownText = shown;
    $('shown').textContent = shown;
  }
  if (spacerHeight !== list.length * ROW) {
    spacerHeight = list.length * ROW;
    $('spacer').style.height = `${spacerHeight}px`;
  }
  const first = Math.max(0, Math.floor(scrollTop / ROW) - OVERSCAN);
  const last = Math.min(list.length, first + size);
  const now = Date.now();
  for (let i = first; i < last; i++) {
    const row = pool[i % size];
    const r = list[i];
    if (row !== undefined && r !== undefined) drawRow(row, i, r, now);
  }
  for (const row of pool) {
    const idx = row.drawn.index;
    if (idx >= 0 && (idx < first || idx >= last) && row.el.style.display !== 'none') {
      row.el.style.display = 'none';
      row.drawn.index = -1;
    }
  }
}
