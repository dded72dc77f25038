import { renderDetail, renderLeaders, renderTiles } from './panels';
import { renderTable } from './table';
import { renderTimeline } from './timeline';

// Scrolling, events and the clock only mark what changed; one animation frame draws it.

/** The timeline is read by a person: it is redrawn at most this often. */
const TIMELINE_EVERY_MS = 250;

interface Dirty {
  tiles: boolean;
  table: boolean;
  detail: boolean;
  timeline: boolean;
  leaders: boolean;
}

const clean = (): Dirty => ({ tiles: false, table: false, detail: false, timeline: false, leaders: false });

let dirty = clean();
let frameRequested = false;
let timelineDrawnAt = -Infinity;
let timelineTimer: ReturnType<typeof setTimeout> | null = null;

/** Marks parts of the page to redraw with the next animation frame. */
export function requestRender(parts: Partial<Dirty>): void {
  for (const key of Object.keys(parts) as (keyof Dirty)[]) if (parts[key]) dirty[key] = true;
  if (frameRequested) return;
  frameRequested = true;
  window.requestAnimationFrame(drawFrame);
}

function drawFrame(): void {
  frameRequested = false;
  const d = dirty;
  dirty = clean();
  if (d.table) renderTable();
  if (d.tiles) renderTiles();
  if (d.detail) renderDetail();
  if (d.timeline) {
    const at = performance.now();
    if (at - timelineDrawnAt >= TIMELINE_EVERY_MS) {
      timelineDrawnAt = at;
      renderTimeline();
    } else if (timelineTimer === null) {
      timelineTimer = setTimeout(() => {
        timelineTimer = null;
        requestRender({ timeline: true });
      }, TIMELINE_EVERY_MS - (at - timelineDrawnAt));
    }
  }
  if (d.leaders) renderLeaders();
}
