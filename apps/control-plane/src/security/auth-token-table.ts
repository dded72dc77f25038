import { timingSafeEqual } from 'node:crypto';
import { AUTH_ROLES, type AuthRole, type Principal } from './auth-role';
import { duplicateJsonKey } from './json-duplicate-key';
import { tokenDigestKey } from './token-digest';

/** A tokens file entry that is not usable; the message names the entry, never its token. */
export class AuthTokensError extends Error {
  override readonly name = 'AuthTokensError';
}

/** Shortest token accepted: guessing one must be hopeless (`openssl rand -base64 32` gives 44). */
export const MIN_TOKEN_LENGTH = 32;
export const MAX_TOKEN_LENGTH = 4096;
const MAX_TOKENS = 10_000;

interface Entry {
  /** The SHA-256 of the token; `find` compares it in constant time. */
  readonly digest: Buffer;
  readonly principal: Principal;
}

function entryAt(raw: unknown, index: number): { token: string; principal: Principal } {
  const where = `tokens[${index}]`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new AuthTokensError(`${where} must be an object`);
  const fields = raw as Record<string, unknown>;
  const token = fields['token'];
  if (typeof token !== 'string' || token.length < MIN_TOKEN_LENGTH || token.length > MAX_TOKEN_LENGTH || /\s/.test(token)) {
    throw new AuthTokensError(`${where}.token must be a string of ${MIN_TOKEN_LENGTH} to ${MAX_TOKEN_LENGTH} characters without spaces`);
  }
  // Long but guessable: one character repeated (`aaaa...`). Said without the token.
  if (/^(.)\1*$/su.test(token)) throw new AuthTokensError(`${where}.token is one character repeated: use random tokens (openssl rand -base64 32)`);
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
 * The bearer tokens the host accepts. Tokens are kept only as SHA-256 digests. A presented token is
 * hashed and its digest looked up (then compared with timingSafeEqual): whatever the lookup's timing
 * reveals is about digests, from which no token can be worked back, and a request costs the same with
 * 10,000 tokens as with one (a constant-time walk over every entry cost ~2 ms per request at 10,000
 * worker tokens: see docs/performance.md, heartbeats through HTTP).
 */
export class AuthTokenTable {
  private readonly byDigest: ReadonlyMap<string, Entry>;

  private constructor(private readonly entries: readonly Entry[]) {
    this.byDigest = new Map(entries.map((entry) => [entry.digest.toString('base64'), entry]));
  }

  /**
   * Parses `{"tokens":[{"token","role","subject?"}]}` (a leading UTF-8 byte-order mark is allowed);
   * throws AuthTokensError naming the bad entry. A key repeated in one object is refused: JSON.parse
   * would silently keep the last one.
   */
  static parse(text: string): AuthTokenTable {
    const json = text.startsWith('\uFEFF') ? text.slice(1) : text;
    let document: unknown;
    try {
      document = JSON.parse(json);
    } catch {
      throw new AuthTokensError('the tokens file is not JSON');
    }
    const repeated = duplicateJsonKey(json);
    if (repeated !== undefined) {
      throw new AuthTokensError(`the key ${JSON.stringify(repeated.slice(0, 40))} appears twice in one object (JSON would keep only the last)`);
    }
    const tokens = typeof document === 'object' && document !== null ? (document as Record<string, unknown>)['tokens'] : undefined;
    if (!Array.isArray(tokens) || tokens.length === 0 || tokens.length > MAX_TOKENS) {
      throw new AuthTokensError(`the tokens file must be {"tokens":[...]} with 1 to ${MAX_TOKENS} entries`);
    }
    const entries: Entry[] = [];
    const seen = new Set<string>();
    tokens.forEach((raw: unknown, index) => {
      const { token, principal } = entryAt(raw, index);
      const key = tokenDigestKey(token);
      if (seen.has(key)) throw new AuthTokensError(`tokens[${index}] repeats the token of an earlier entry`);
      seen.add(key);
      entries.push({ digest: Buffer.from(key, 'base64'), principal });
    });
    return new AuthTokenTable(entries);
  }

  get size(): number {
    return this.entries.length;
  }

  /** The principal of `token`, or undefined. */
  find(token: string): Principal | undefined {
    const key = tokenDigestKey(token);
    const entry = this.byDigest.get(key);
    return entry !== undefined && timingSafeEqual(entry.digest, Buffer.from(key, 'base64')) ? entry.principal : undefined;
  }
}
