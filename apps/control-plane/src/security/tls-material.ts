import { readFileSync } from 'node:fs';
import type { HostConfig } from '../host-config';
import { HostConfigError } from '../host-config';
import { systemErrorCode } from './error-code';

/** What the HTTPS server is given. */
export interface ServerTls {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly ca: Buffer | undefined;
  /** Mutual TLS: a client without a certificate signed by `ca` is refused during the handshake. */
  readonly requireClientCertificate: boolean;
}

/** What this process's clients (gossip, the worker agent) use to reach HTTPS peers. */
export interface ClientTls {
  /** Trust only this CA (instead of the system's) when it is given. */
  readonly ca: Buffer | undefined;
  /** Presented when a server asks for a client certificate (mutual TLS): this node's own certificate. */
  readonly cert: Buffer | undefined;
  readonly key: Buffer | undefined;
}

export interface TlsMaterial {
  readonly server: ServerTls | undefined;
  readonly client: ClientTls | undefined;
}

const MAX_PEM_BYTES = 1024 * 1024;

function readPem(path: string, flag: string): Buffer {
  let pem: Buffer;
  try {
    pem = readFileSync(path);
  } catch (error) {
    throw new HostConfigError(`${flag}: cannot read ${path} (${systemErrorCode(error)})`);
  }
  if (pem.length > MAX_PEM_BYTES || !pem.includes('-----BEGIN ')) throw new HostConfigError(`${flag}: ${path} is not a PEM file`);
  return pem;
}

/** Reads and cross-checks the TLS files; a missing or inconsistent one is a usage error (exit 64). */
export function loadTlsMaterial(config: HostConfig): TlsMaterial {
  if ((config.tlsCert === undefined) !== (config.tlsKey === undefined)) {
    throw new HostConfigError('--tls-cert and --tls-key go together: give both to serve HTTPS');
  }
  if (config.tlsClientAuth && (config.tlsCert === undefined || config.tlsCa === undefined)) {
    throw new HostConfigError('--tls-client-auth needs --tls-cert, --tls-key (to serve HTTPS) and --tls-ca (to verify clients)');
  }
  const cert = config.tlsCert === undefined ? undefined : readPem(config.tlsCert, '--tls-cert');
  const key = config.tlsKey === undefined ? undefined : readPem(config.tlsKey, '--tls-key');
  const ca = config.tlsCa === undefined ? undefined : readPem(config.tlsCa, '--tls-ca');
  const server = cert && key ? { cert, key, ca, requireClientCertificate: config.tlsClientAuth } : undefined;
  const client = cert || ca ? { ca, cert, key } : undefined;
  return { server, client };
}
