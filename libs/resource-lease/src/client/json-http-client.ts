import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { HttpAnswerTooLargeError } from '../errors/http-answer-too-large.error';
import type { HttpAnswer, JsonHttpClientOptions, WorkApiTransport } from '../interfaces/work-api-client.interfaces';

/**
 * POSTs JSON over node:http / node:https. Node's fetch cannot take a CA or a client certificate per
 * request without undici's Agent (not a dependency of this project), so the worker agent uses this:
 * one keep-alive agent per scheme, carrying the CA and the client certificate.
 */
export class JsonHttpClient implements WorkApiTransport {
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
      let settled = false;
      const timer = setTimeout(() => request.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      const fail = (error: Error): void => {
        clearTimeout(timer);
        if (settled) return;
        settled = true;
        reject(error);
      };
      // `on`, not `once`: a destroyed exchange may report more than one error, and one unheard would crash the process.
      request.on('error', fail);
      request.once('response', (response: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let length = 0;
        response.on('error', fail);
        response.on('data', (chunk: Buffer) => {
          if (settled) return;
          length += chunk.length;
          if (length > this.maxResponseBytes) {
            // Settled first: the answer may have ended already, and its end must not resolve a cut body.
            fail(new HttpAnswerTooLargeError(`answer longer than ${this.maxResponseBytes} bytes`));
            request.destroy();
          } else chunks.push(chunk);
        });
        response.once('end', () => {
          clearTimeout(timer);
          if (settled) return;
          settled = true;
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
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
