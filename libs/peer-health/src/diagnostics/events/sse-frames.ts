import { formatWireDate } from '../../base/wire-date';

/** One SSE event: `id:`, `event:` and a single-line JSON `data:` (JSON.stringify never writes a newline). */
export function sseFrame(id: number, event: string, data: Record<string, unknown>): string {
  return `id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** Event times on the stream use the endpoint's date format. */
export function wireTime(at: number): string {
  return formatWireDate(at);
}

/** A comment line: ignored by clients, keeps proxies from closing an idle stream. */
export const KEEP_ALIVE_FRAME = ': keep-alive\n\n';
