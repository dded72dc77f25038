import { createHash } from 'node:crypto';

/** Longest Authorization header looked at; a longer one is treated like any other (hashed whole). */
const MAX_CREDENTIAL_LENGTH = 8192;

/**
 * Who a watcher is, for the per-credential cap: the SHA-256 of the credential of its `Authorization`
 * header (the part after the scheme, so `Bearer x` and `bearer  x` are one credential), or undefined
 * without one. Only the digest is kept, never the credential.
 */
export function watcherCredential(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') return undefined;
  const bounded = value.slice(0, MAX_CREDENTIAL_LENGTH).trim();
  const credential = /^[A-Za-z][A-Za-z0-9._~+/-]*\s+(\S+)\s*$/.exec(bounded)?.[1] ?? bounded;
  return createHash('sha256').update(credential, 'utf8').digest('base64');
}
