import { $, make } from './dom';

/** Entries the timeline shows. */
const TIMELINE_SHOWN = 100;
/** Entries the page keeps. */
const TIMELINE_KEPT = 1000;

interface TimelineEntry {
  readonly cls: string;
  readonly text: string;
}

const timeline: TimelineEntry[] = [];
/** Entries that arrived since the timeline was last drawn. */
let timelineFresh: TimelineEntry[] = [];

/** Adds an entry; it is drawn with the timeline's next redraw. */
export function pushTimeline(cls: string, value: string): void {
  const entry = { cls, text: value };
  timeline.push(entry);
  timelineFresh.push(entry);
  if (timeline.length > TIMELINE_KEPT) timeline.splice(0, timeline.length - TIMELINE_KEPT);
  if (timelineFresh.length > TIMELINE_SHOWN) timelineFresh.splice(0, timelineFresh.length - TIMELINE_SHOWN);
}

/** Newest first; only the entries that arrived since the last redraw are added. */
export function renderTimeline(): void {
  const ol = $('timeline');
  let fresh = timelineFresh;
  timelineFresh = [];
  if (fresh.length >= TIMELINE_SHOWN) {
    ol.replaceChildren();
    fresh = fresh.slice(-TIMELINE_SHOWN);
  }
  const batch = document.createDocumentFragment();
  for (let i = fresh.length - 1; i >= 0; i--) {
    const entry = fresh[i];
    if (entry !== undefined) batch.appendChild(make('li', entry.cls, entry.text));
  }
  ol.insertBefore(batch, ol.firstChild);
  while (ol.childElementCount > TIMELINE_SHOWN) ol.lastElementChild?.remove();
}
