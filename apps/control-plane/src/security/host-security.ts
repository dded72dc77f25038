import { readFileSync } from 'node:fs';
import { HostConfigError, type HostConfig } from '../host-config';
import { AuthTokenTable, AuthTokensError } from './auth-token-table';
import { systemErrorCode } from './error-code';
import { protectedModeRefusal } from './protected-mode';
import { loadTlsMaterial, type TlsMaterial } from './tls-material';

/** What the host needs to authenticate requests and to speak TLS, read once at start. */
export interface HostSecurity {
  /** Null: no tokens file, the loopback demo, everything open. */
  readonly tokens: AuthTokenTable | null;
  readonly tls: TlsMaterial;
}

export const OPEN_SECURITY: HostSecurity = { tokens: null, tls: { server: undefined, client: undefined } };

const MAX_TOKENS_FILE_BYTES = 4 * 1024 * 1024;

function readTokens(path: string): AuthTokenTable {
  let text: string;
  try {
    const bytes = readFileSync(path);
    if (bytes.length > MAX_TOKENS_FILE_BYTES) throw new AuthTokensError(`larger than ${MAX_TOKENS_FILE_BYTES} bytes`);
    text = bytes.toString('utf8');
  } catch (error) {
    const reason = error instanceof AuthTokensError ? error.message : systemErrorCode(error);
    throw new HostConfigError(`--auth-tokens-file: cannot read ${path} (${reason})`);
  }
  try {
    return AuthTokenTable.parse(text);
  } catch (error) {
    // The message names the entry and what is wrong with it, never a token.
    if (error instanceof AuthTokensError) throw new HostConfigError(`--auth-tokens-file ${path}: ${error.message}`);
    throw error;
  }
}

/**
 * Reads the tokens file and the TLS files and applies protected mode. Every problem is a
 * HostConfigError, so the host exits 64 with the reason instead of starting half-protected.
 */
export function loadHostSecurity(config: HostConfig): HostSecurity {
  const tokens = config.authTokensFile === undefined ? null : readTokens(config.authTokensFile);
  const refusal = protectedModeRefusal(config.host, tokens !== null);
  if (refusal !== undefined) throw new HostConfigError(refusal);
  return { tokens, tls: loadTlsMaterial(config) };
}
