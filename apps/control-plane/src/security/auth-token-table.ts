import { createHash, timingSafeEqual } from 'node:crypto';
import { AUTH_ROLES, type AuthRole, type Principal } from './auth-role';

/** A tokens file entry that is not usable; the message names the entry, never its token. */
export class AuthTokensError extends Error {
  override readonly name = 'AuthTokensError';
}

/** Shortest token accepted: guessing one must be hopeless. */
export const MIN_TOKEN_LENGTH = 16;
export const MAX_TOKEN_LENGTH = 4096;
const MAX_TOKENS = 10_000;

interface Entry {
  readonly digest: Buffer;
  readonly principal: Principal;
}

const digestOf = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

function entryAt(raw: unknown, index: number): { token: string; principal: Principal } {
  const where = `tokens[${index}]`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new AuthTokensError(`${where} must be an object`);
  const fields = raw as Record<string, unknown>;
  const token = fields['token'];
  if (typeof token !== 'string' || token.length < MIN_TOKEN_LENGTH || token.length > MAX_TOKEN_LENGTH || /\s/.test(token)) {
    throw new AuthTokensError(`${where}.token must be a string of ${MIN_TOKEN_LENGTH} to ${MAX_TOKEN_LENGTH} characters without spaces`);
  }
  const role = fields['role'];
  if (typeof role !== 'string' || !(AUTH_ROLES as readonly string[]).includes(role)) {
    throw new AuthTokensError(`${where}.role must be one of ${AUTH_ROLES.join(', ')}`);
  }
  const subject = fields['subject'];
  if (subject !== undefined && (typeof subject !== 'string' || subject.trim() === '' || subject.length > 256)) {
    throw new AuthTokensError(`${where}.subject must be a non-blank string of at most 256 characters`);
  }
  if (role === 'worker' && subject === undefined) throw new AuthTokensError(`${where}: a worker token needs a subject (the worker's id)`);
  return { token, principal: { role: role as AuthRole, subject } };
}

/**
 * The bearer tokens the host accepts. Tokens are kept only as SHA-256 digests and compared in constant
 * time against every entry (hashing first makes the lengths equal, so timingSafeEqual applies and no
 * comparison stops early at the first differing byte).
 */
export class AuthTokenTable {
  private constructor(private readonly entries: readonly Entry[]) {}

  /** Parses `{"tokens":[{"token","role","subject?"}]}`; throws AuthTokensError naming the bad entry. */
  static parse(text: string): AuthTokenTable {
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch {
      throw new AuthTokensError('the tokens file is not JSON');
    }
    const tokens = typeof document === 'object' && document !== null ? (document as Record<string, unknown>)['tokens'] : undefined;
    if (!Array.isArray(tokens) || tokens.length === 0 || tokens.length > MAX_TOKENS) {
      throw new AuthTokensError(`the tokens file must be {"tokens":[...]} with 1 to ${MAX_TOKENS} entries`);
    }
    const entries: Entry[] = [];
    const seen = new Set<string>();
    tokens.forEach((raw: unknown, index) => {
      const { token, principal } = entryAt(raw, index);
      const digest = digestOf(token);
      const key = digest.toString('hex');
      if (seen.has(key)) throw new AuthTokensError(`tokens[${index}] repeats the token of an earlier entry`);
      seen.add(key);
      entries.push({ digest, principal });
    });
    return new AuthTokenTable(entries);
  }

  get size(): number {
    return this.entries.length;
  }

  /** The principal of `token`, or undefined. Looks at every entry whatever matches, so timing says nothing. */
  find(token: string): Principal | undefined {
    const digest = digestOf(token);
    let found: Principal | undefined;
    for (const entry of this.entries) {
      if (timingSafeEqual(entry.digest, digest) && found === undefined) found = entry.principal;
    }
    return found;
  }
}
