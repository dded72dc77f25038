import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface IssuedCertificate {
  readonly certPath: string;
  readonly keyPath: string;
  readonly cert: Buffer;
  readonly key: Buffer;
}

export interface ThrowawayCa {
  readonly dir: string;
  readonly caPath: string;
  readonly ca: Buffer;
  /** A certificate for 127.0.0.1 and localhost, good for serving and as a client certificate. */
  issue(name: string): IssuedCertificate;
  remove(): void;
}

const openssl = (cwd: string, ...args: string[]) => execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });

/** A certificate authority made with openssl at test time, valid for a day, in its own temporary folder. */
export function createThrowawayCa(): ThrowawayCa {
  const dir = mkdtempSync(join(tmpdir(), 'omnirelay-ca-'));
  const curve = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(dir, 'req', '-x509', ...curve, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=omnirelay throwaway test CA');
  writeFileSync(
    join(dir, 'leaf.ext'),
    ['basicConstraints=CA:FALSE', 'keyUsage=digitalSignature', 'extendedKeyUsage=serverAuth,clientAuth', 'subjectAltName=IP:127.0.0.1,DNS:localhost'].join('\n'),
  );
  let serial = 1;
  return {
    dir,
    caPath: join(dir, 'ca.pem'),
    ca: readFileSync(join(dir, 'ca.pem')),
    issue(name: string): IssuedCertificate {
      openssl(dir, 'req', '-new', ...curve, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
      openssl(dir, 'x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', String(serial++), '-days', '1', '-extfile', 'leaf.ext', '-out', `${name}.pem`);
      const certPath = join(dir, `${name}.pem`);
      const keyPath = join(dir, `${name}.key`);
      return { certPath, keyPath, cert: readFileSync(certPath), key: readFileSync(keyPath) };
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
