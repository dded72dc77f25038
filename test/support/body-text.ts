import type { Readable } from 'node:stream';

/** A rendered lease-health body (one buffer, a string, or a stream of chunks) as UTF-8 text. */
export async function bodyText(body: Buffer | string | Readable | undefined): Promise<string> {
  if (body === undefined) return '';
  if (typeof body === 'string') return body;
  if (Buffer.isBuffer(body)) return body.toString('utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks).toString('utf8');
}
