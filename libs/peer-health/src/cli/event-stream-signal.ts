/**
 * The lease-health event stream, reduced to what `watch` needs: "something changed". Resolves to
 * undefined when the host has no stream (an older host answers 404): `watch` then polls.
 */
export interface ChangeSignal {
  /** Resolves at the next event after the call (or at once when one arrived since the last call). */
  next(): Promise<void>;
  close(): void;
}

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
  const reader = (body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  void (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        // Any event line (transition, anomaly, leadership, reset) is a reason to refresh.
        if (/(^|\n)event: /.test(decoder.decode(value, { stream: true }))) changed();
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
    close: () => {
      stop();
      signal?.removeEventListener('abort', stop);
    },
  };
}
