import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';

/** What Node reports when a request cannot even be parsed; its `code` says why. */
interface ClientError extends Error {
  readonly code?: string;
}

/**
 * Fastify's `clientErrorHandler` for requests Node could not parse: a header section over the size
 * limit (431), a request that did not arrive in time (408), anything else malformed (400). Answered
 * with a JSON body and `Connection: close`, and the connection closed: whoever sent it gets no
 * second try on the same connection.
 */
export function closingClientErrorHandler(error: ClientError, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Exceeded maximum allowed HTTP header size']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Client Timeout']
        : [400, 'Client Error'];
  const reason = STATUS_CODES[status] ?? 'Error';
  const body = JSON.stringify({ statusCode: status, error: reason, message });
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy();
}
