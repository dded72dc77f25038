import { headers, refused } from './auth';
import { $ } from './dom';
import { clockOf } from './format';
import { requestRender } from './frame';
import { ignore, load, scheduleRefresh } from './lease-health-reader';
import { state, type StreamEvent } from './state';
import { pushTimeline } from './timeline';
import { applyTransition } from './transitions';
import { asObject } from './wire';

// Follows lease-health/events by fetch streaming (a bearer token can be sent; EventSource cannot
// send headers), reconnecting with Last-Event-ID.

let lastEventId: string | null = null;
/** Events this page has taken from its stream. */
let received = 0;

function onEvent(type: string, data: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return;
  }
  const e: StreamEvent | null = asObject(parsed);
  if (e === null) return;
  if (type === 'transition') {
    if (state.sinceLoad) state.sinceLoad.push(e);
    // The row follows at once; its details (heartbeat, leases, metadata, or the whole peer when it
    // just joined) come with the next read, debounced.
    applyTransition(e);
    scheduleRefresh();
    pushTimeline(
      `status-${e.to === 'healthy' ? 'healthy' : 'unhealthy'}`,
      `${clockOf(e.at)} ${String(e.peerId)}: ${String(e.from)} \u2192 ${String(e.to)} (${String(e.reason)})`,
    );
    requestRender({ tiles: true, table: true, timeline: true, detail: e.peerId === state.selected });
  } else if (type === 'leadership') {
    state.leaders ??= {};
    state.leaders[String(e.scope)] = typeof e.leaderId === 'string' ? e.leaderId : null;
    pushTimeline('', `${clockOf(e.at)} leader of ${String(e.scope)}: ${typeof e.leaderId === 'string' && e.leaderId ? e.leaderId : '(none)'}`);
    requestRender({ leaders: true, timeline: true });
  } else if (type === 'anomaly') {
    pushTimeline('muted', `${clockOf(e.at)} anomaly ${String(e.kind)}${typeof e.count === 'number' && e.count > 1 ? ` x${e.count}` : ''}`);
    requestRender({ timeline: true });
  } else if (type === 'reset') {
    scheduleRefresh();
  }
}

/** Splits the buffered text into complete events; returns the unfinished rest. */
function dispatch(buffered: string): string {
  let start = 0;
  let end: number;
  while ((end = buffered.indexOf('\n\n', start)) >= 0) {
    const lines = buffered.slice(start, end).split('\n');
    start = end + 2;
    let type = 'message';
    let data = '';
    for (const line of lines) {
      if (line.startsWith('id: ')) lastEventId = line.slice(4);
      else if (line.startsWith('event: ')) type = line.slice(7);
      else if (line.startsWith('data: ')) data += line.slice(6);
    }
    if (data) {
      received++;
      onEvent(type, data);
    }
  }
  return buffered.slice(start);
}

async function stream(): Promise<never> {
  const h = headers('text/event-stream');
  if (lastEventId !== null) h['last-event-id'] = lastEventId;
  const response = await fetch('lease-health/events', { headers: h });
  if (refused(response)) throw new Error('unauthorized');
  if (!response.ok || !response.body) throw new Error(`no event stream (${response.status})`);
  const live = $('live');
  live.textContent = 'live';
  live.className = 'on';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  for (;;) {
    const chunk = await reader.read();
    if (chunk.done) throw new Error('stream ended');
    buffered = dispatch(buffered + decoder.decode(chunk.value, { stream: true }));
    // How many events this page has taken from its stream (the bench reads it).
    live.dataset.events = String(received);
  }
}

/** Follows the event stream; when it fails or ends, re-reads the view and reconnects after 2 s. */
export function follow(): void {
  stream().catch(() => {
    const live = $('live');
    live.textContent = 'reconnecting';
    live.className = '';
    setTimeout(() => {
      load().catch(ignore);
      follow();
    }, 2000);
  });
}
