import * as crypto from 'node:crypto';

/** The base64 SHA-256 of a token with a Hash object: the reference, and the fallback before Node 20.12. @internal */
export function tokenDigestKeyByHashObject(token: string): string {
  return crypto.createHash('sha256').update(token, 'utf8').digest('base64');
}

const oneShotHash = (crypto as Partial<typeof crypto>).hash;

/**
 * The base64 SHA-256 of a token: the tokens table's key, computed once per request. `crypto.hash`
 * (Node >= 20.12) does it in one native call, several times cheaper than a Hash object per request.
 * @internal
 */
export const tokenDigestKey: (token: string) => string = oneShotHash
  ? (token) => oneShotHash('sha256', token, 'base64')
  : tokenDigestKeyByHashObject;
