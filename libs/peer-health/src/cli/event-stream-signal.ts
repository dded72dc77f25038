import { parseEventBlock, type StreamedTransition } from './streamed-transitions';

/**
 * The lease-health event stream, reduced to what `watch` needs: "something changed", and why each
 * peer last changed. Resolves to undefined when the host has no stream (an older host answers 404):
 * `watch` then polls.
 */
export interface ChangeSignal {
  /** Resolves at the next event after the call (or at once when one arrived since the last call). */
  next(): Promise<void>;
  /** The latest streamed transition of each peer since the previous call (then forgotten). */
  takeTransitions(): ReadonlyMap<string, StreamedTransition>;
  close(): void;
}

/** Bounds on what the stream (untrusted) can make the CLI hold between two refreshes. */
const MAX_PENDING_BYTES = 64 * 1024;
const MAX_TRANSITIONS = 10_000;

/** Opens `<endpoint>/events`; undefined when it is not an event stream or cannot be opened. */
export async function openChangeSignal(endpoint: string, token: string | undefined, signal: AbortSignal | undefined): Promise<ChangeSignal | undefined> {
  const controller = new AbortController();
  const stop = (): void => {
    controller.abort();
  };
  signal?.addEventListener('abort', stop, { once: true });
  let response: Response;
  try {
    const headers: Record<string, string> = { accept: 'text/event-stream', ...(token ? { authorization: `Bearer ${token}` } : {}) };
    // Only the connection is bounded by a timeout; the stream itself lasts as long as the watch.
    const connectTimeout = setTimeout(stop, 5_000);
    try {
      response = await fetch(`${endpoint}/events`, { headers, signal: controller.signal });
    } finally {
      clearTimeout(connectTimeout);
    }
  } catch {
    signal?.removeEventListener('abort', stop);
    return undefined;
  }
  const body = response.body;
  if (response.status !== 200 || !(response.headers.get('content-type') ?? '').startsWith('text/event-stream') || !body) {
    stop();
    signal?.removeEventListener('abort', stop);
    return undefined;
  }
  let pending = false;
  let wake: (() => void) | undefined;
  const changed = (): void => {
    pending = true;
    wake?.();
  };
  let transitions = new Map<string, StreamedTransition>();
  const reader = (body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  void (async () => {
    let text = '';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
        // Events end with a blank line; a partial one waits for the next chunk, within a bound.
        const blocks = text.split(/\r?\n\r?\n/);
        text = blocks.pop() ?? '';
        if (text.length > MAX_PENDING_BYTES) text = '';
        let any = false;
        for (const block of blocks) {
          const event = parseEventBlock(block);
          if (event === undefined) continue;
          // Any event (transition, anomaly, leadership, reset) is a reason to refresh.
          any = true;
          if (event.transition && (transitions.has(event.transition.peerId) || transitions.size < MAX_TRANSITIONS)) {
            transitions.set(event.transition.peerId, event.transition);
          }
        }
        if (any) changed();
      }
    } catch {
      // The stream ended (host restarted, watch stopped): the interval keeps the watch going.
    }
  })();
  return {
    next: () =>
      new Promise<void>((resolve) => {
        if (pending) {
          pending = false;
          resolve();
          return;
        }
        wake = () => {
          wake = undefined;
          pending = false;
          resolve();
        };
      }),
    takeTransitions: () => {
      const taken = transitions;
      transitions = new Map();
      return taken;
    },
    close: () => {
      stop();
      signal?.removeEventListener('abort', stop);
    },
  };
}
