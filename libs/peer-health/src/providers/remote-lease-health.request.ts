import { request as httpRequest, type Agent as HttpAgent, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest, type Agent as HttpsAgent } from 'node:https';
import { RemoteLeaseHealthReadError } from '../base/errors/remote-lease-health-read.error';

/** What a remote host answered: 200 with a body, or 304 (no body). */
export interface RemoteLeaseHealthAnswer {
  readonly status: 200 | 304;
  readonly etag: string | undefined;
  /** The raw body as received, chunk by chunk (joined and parsed a slice at a time by the provider). */
  readonly body: readonly Buffer[];
  /** Bytes in `body`. */
  readonly length: number;
}

/** The limits of one read. */
export interface RemoteReadLimits {
  readonly timeoutMs: number;
  readonly maxBodyBytes: number;
  /** Takes body bytes from the budget of every host of the read; throws (a FederationLimitError) when spent. */
  readonly takeBytes?: (count: number) => void;
}

/** Longest ETag kept for If-None-Match; a longer one is not a validator this kit would send back. */
const MAX_ETAG_LENGTH = 200;

/** The keep-alive agents of one provider: one per scheme, the https one carrying CA and client certificate. */
export interface RemoteReadAgents {
  readonly http: HttpAgent;
  readonly https: HttpsAgent;
}

function etagOf(response: IncomingMessage): string | undefined {
  const etag = response.headers.etag;
  return typeof etag === 'string' && etag.length <= MAX_ETAG_LENGTH && /^(W\/)?"[\x21\x23-\x7e]*"$/.test(etag) ? etag : undefined;
}

/**
 * GETs one host's lease health. The whole exchange (connect, headers, body) must finish within the
 * timeout and the body must stay within the byte limit; anything else rejects with a
 * RemoteLeaseHealthReadError naming `source`, and the connection is destroyed.
 * @internal
 */
export function readRemoteLeaseHealth(
  url: URL,
  source: string,
  headers: OutgoingHttpHeaders,
  limits: RemoteReadLimits,
  agents: RemoteReadAgents,
): Promise<RemoteLeaseHealthAnswer> {
  const secure = url.protocol === 'https:';
  const send = secure ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    let finished = false;
    const fail = (message: string): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      request.destroy();
      reject(new RemoteLeaseHealthReadError(source, message));
    };
    const request = send(url, { method: 'GET', agent: secure ? agents.https : agents.http, headers });
    // Judged after the poll phase: when the event loop was busy past the deadline, an answer that
    // had arrived by then is read first and counts as in time (a late timer must not name it missing).
    const timer = setTimeout(() => setImmediate(() => fail(`no complete answer within ${limits.timeoutMs} ms`)), limits.timeoutMs);
    timer.unref();
    request.once('error', (error: Error) => fail(`request failed: ${error.message}`));
    request.once('response', (response: IncomingMessage) => {
      const status = response.statusCode ?? 0;
      if (status === 304) {
        response.resume();
        response.once('end', () => {
          if (finished) return;
          finished = true;
          clearTimeout(timer);
          resolve({ status: 304, etag: etagOf(response), body: [], length: 0 });
        });
        return;
      }
      if (status !== 200) {
        fail(`answered HTTP ${status}`);
        return;
      }
      const declared = Number(response.headers['content-length']);
      if (Number.isFinite(declared) && declared > limits.maxBodyBytes) {
        fail(`body of ${declared} bytes exceeds the limit of ${limits.maxBodyBytes}`);
        return;
      }
      const chunks: Buffer[] = [];
      let length = 0;
      response.on('data', (chunk: Buffer) => {
        if (finished) return;
        length += chunk.length;
        if (length > limits.maxBodyBytes) {
          fail(`body exceeds the limit of ${limits.maxBodyBytes} bytes`);
          return;
        }
        try {
          limits.takeBytes?.(chunk.length);
        } catch (error) {
          fail(error instanceof Error ? error.message : String(error));
          return;
        }
        chunks.push(chunk);
        // One chunk per turn of the event loop: eight hosts sending at full speed would otherwise fill
        // one poll phase with megabytes of reads, holding up every other request meanwhile.
        response.pause();
        setImmediate(() => response.resume());
      });
      response.once('error', (error: Error) => fail(`answer broke off: ${error.message}`));
      response.once('close', () => {
        if (!response.complete) fail('answer broke off');
      });
      response.once('end', () => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        resolve({ status: 200, etag: etagOf(response), body: chunks, length });
      });
    });
    request.end();
  });
}
