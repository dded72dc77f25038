import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { ClientTls } from '../security/tls-material';

export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
}

export interface JsonHttpClientOptions {
  /** Sent as `Authorization: Bearer <token>`. */
  readonly authToken?: string;
  /** CA and client certificate for HTTPS peers. */
  readonly tls?: ClientTls;
  /** Answers longer than this are cut and fail (default 8 MiB): the peer is not trusted to be brief. */
  readonly maxResponseBytes?: number;
}

export class HttpAnswerTooLargeError extends Error {
  override readonly name = 'HttpAnswerTooLargeError';
}

/**
 * POSTs JSON over node:http / node:https. Node's fetch cannot take a CA or a client certificate per
 * request without undici's Agent (not a dependency of this project), so the clients of the host use
 * this: one keep-alive agent per scheme, carrying the CA and the client certificate.
 */
export class JsonHttpClient {
  private readonly http = new HttpAgent({ keepAlive: true, maxSockets: 16 });
  private readonly https: HttpsAgent;
  private readonly maxResponseBytes: number;

  constructor(private readonly options: JsonHttpClientOptions = {}) {
    const tls = options.tls;
    this.https = new HttpsAgent({ keepAlive: true, maxSockets: 16, ca: tls?.ca, cert: tls?.cert, key: tls?.key });
    this.maxResponseBytes = options.maxResponseBytes ?? 8 * 1024 * 1024;
  }

  post(url: string, body: string, timeoutMs: number, headers: Readonly<Record<string, string>> = {}): Promise<HttpAnswer> {
    const target = new URL(url);
    const secure = target.protocol === 'https:';
    const send = secure ? httpsRequest : httpRequest;
    return new Promise<HttpAnswer>((resolve, reject) => {
      const request = send(target, {
        method: 'POST',
        agent: secure ? this.https : this.http,
        headers: {
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          ...(this.options.authToken === undefined ? {} : { authorization: `Bearer ${this.options.authToken}` }),
          ...headers,
        },
      });
      const timer = setTimeout(() => request.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      request.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      request.once('response', (response: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let length = 0;
        response.on('data', (chunk: Buffer) => {
          length += chunk.length;
          if (length > this.maxResponseBytes) request.destroy(new HttpAnswerTooLargeError(`answer longer than ${this.maxResponseBytes} bytes`));
          else chunks.push(chunk);
        });
        response.once('end', () => {
          clearTimeout(timer);
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
        });
        response.once('error', (error) => {
          clearTimeout(timer);
          reject(error);
        });
      });
      request.end(body);
    });
  }

  close(): void {
    this.http.destroy();
    this.https.destroy();
  }
}
