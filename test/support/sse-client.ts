import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import { pollUntil } from './poll';

/** One parsed Server-Sent Event. */
export interface SseEvent {
  readonly id: string | undefined;
  readonly event: string;
  readonly data: string;
}

/** A test's connection to an SSE endpoint: everything received, parsed as it arrives. */
export interface SseConnection {
  readonly response: IncomingMessage;
  readonly events: SseEvent[];
  /** Comment lines (without the leading colon). */
  readonly comments: string[];
  /** Waits (bounded) until an event matching `predicate` arrived and returns it. */
  next(what: string, predicate: (event: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>;
  close(): void;
}

/** Opens `url` with the given headers and parses the stream. */
export function openSse(url: string, headers: Record<string, string> = {}): Promise<SseConnection> {
  return new Promise((resolve, reject) => {
    const events: SseEvent[] = [];
    const comments: string[] = [];
    const req: ClientRequest = request(url, { headers: { accept: 'text/event-stream', ...headers } }, (response) => {
      let buffered = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        buffered += chunk;
        let end: number;
        while ((end = buffered.indexOf('\n\n')) >= 0) {
          const block = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          let id: string | undefined;
          let event = 'message';
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comments.push(line.slice(1).trim());
            else if (line.startsWith('id: ')) id = line.slice(4);
            else if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('data: ')) data.push(line.slice(6));
          }
          if (data.length > 0) events.push({ id, event, data: data.join('\n') });
        }
      });
      response.on('error', () => undefined);
      resolve({
        response,
        events,
        comments,
        next: async (what, predicate, timeoutMs = 5000) =>
          (await pollUntil(what, () => Promise.resolve(events.find(predicate)), timeoutMs, 10)).value,
        close: () => {
          req.destroy();
        },
      });
    });
    req.on('error', reject);
    req.end();
  });
}
