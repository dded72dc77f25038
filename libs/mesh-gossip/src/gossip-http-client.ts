import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { GossipAddressRefused } from './errors/gossip-address-refused.error';
import { GOSSIP_ROUTES } from './mesh-gossip.routes';
import { isForbiddenAddress, type GossipAddressPolicy } from './security/gossip-address-policy';

/** TLS material for gossip requests to https:// members (PEM). */
export interface GossipTlsOptions {
  /** CA certificates the server must chain to (default: Node's bundled CAs). */
  readonly ca?: string | Buffer;
  /** Client certificate and key, for servers that require mutual TLS. */
  readonly cert?: string | Buffer;
  readonly key?: string | Buffer;
}

export interface GossipReply {
  readonly status: number;
  readonly body: unknown;
}

/**
 * Resolves a host name and refuses it when any of its addresses is link-local or a metadata
 * address, so an allowed name cannot be pointed at 169.254.169.254 through DNS.
 */
const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) {
      callback(error, '', 0);
      return;
    }
    const refused = addresses.find((entry) => isForbiddenAddress(entry.address));
    if (refused || addresses.length === 0) {
      const reason = new GossipAddressRefused(`${hostname} resolves to a link-local or metadata address`);
      callback(Object.assign(reason, { code: 'EADDRNOTALLOWED' }), '', 0);
      return;
    }
    if (options.all === true) {
      (callback as unknown as (error: null, addresses: LookupAddress[]) => void)(null, addresses);
      return;
    }
    const [first] = addresses;
    callback(null, first?.address ?? '', first?.family ?? 4);
  });
};

/**
 * POSTs gossip to members: only to allowed addresses, with a deadline for the whole exchange and a
 * bound on the bytes read back, so a slow or hostile peer costs one timeout and a little memory.
 * It carries no credential: gossip is authenticated by its signed envelope, so a member (or anyone
 * who got an address into the member list) receives nothing it could use to act as this node.
 */
export class GossipHttpClient {
  constructor(
    private readonly policy: GossipAddressPolicy,
    private readonly timeoutMs: number,
    private readonly maxReplyBytes: number,
    private readonly tls: GossipTlsOptions = {},
  ) {}

  async post(baseUrl: string, body: string): Promise<GossipReply> {
    if (!this.policy.allowsUrl(baseUrl)) throw new GossipAddressRefused(`${baseUrl} is not an allowed gossip address`);
    const url = new URL(GOSSIP_ROUTES.exchangePath, baseUrl);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<GossipReply>((resolve, reject) => {
      const request = send(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
        lookup: guardedLookup,
        ...(url.protocol === 'https:' ? this.tls : {}),
      });
      let settled = false;
      const timer = setTimeout(() => {
        fail(new Error(`no answer within ${this.timeoutMs} ms`));
        request.destroy();
      }, this.timeoutMs);
      const fail = (error: Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(error);
      };
      request.on('error', fail);
      request.on('response', (response: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let length = 0;
        response.on('data', (chunk: Buffer) => {
          length += chunk.length;
          if (length > this.maxReplyBytes) {
            fail(new Error(`answer longer than ${this.maxReplyBytes} bytes`));
            request.destroy();
            return;
          }
          chunks.push(chunk);
        });
        response.on('error', fail);
        response.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            resolve({ status: response.statusCode ?? 0, body: text === '' ? undefined : (JSON.parse(text) as unknown) });
          } catch {
            reject(new Error(`answer with HTTP ${response.statusCode ?? 0} is not JSON`));
          }
        });
      });
      request.end(body);
    });
  }
}
