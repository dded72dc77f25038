import type { Readable } from 'node:stream';
import { StreamableFile } from '@nestjs/common';

/**
 * The endpoint body in the form the HTTP platform sends as is. Fastify sends buffers, strings and
 * streams itself. Other adapters (Express) would serialize a Buffer or a stream as JSON
 * (`{"type":"Buffer",...}`); a StreamableFile is the portable way to hand them raw bytes. The
 * controller's Content-Type header is set before, so the adapter keeps it.
 */
export function platformBody(
  body: Buffer | string | Readable | undefined,
  sendsRawBodies: boolean,
): Buffer | string | Readable | StreamableFile | undefined {
  if (sendsRawBodies || body === undefined) return body;
  if (typeof body === 'string') return new StreamableFile(Buffer.from(body));
  if (Buffer.isBuffer(body)) return new StreamableFile(body);
  return new StreamableFile(body);
}
