import { readFileSync, statSync } from 'node:fs';
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
  /** What the operator should fix but that does not stop the host (a tokens file other users can read). */
  readonly warnings: readonly string[];
}

export const OPEN_SECURITY: HostSecurity = { tokens: null, tls: { server: undefined, client: undefined }, warnings: [] };

const MAX_TOKENS_FILE_BYTES = 4 * 1024 * 1024;

/**
 * The tokens file holds every credential of the mesh: anyone who can write it can make themselves
 * admin, so a file writable by group or others is refused; one they can read is started with a
 * warning (reading it leaks every token). Permission bits do not exist on Windows.
 */
function checkTokensFileMode(path: string, warnings: string[]): void {
  if (process.platform === 'win32') return;
  let mode: number;
  try {
    mode = statSync(path).mode & 0o777;
  } catch (error) {
    throw new HostConfigError(`--auth-tokens-file: cannot read ${path} (${systemErrorCode(error)})`);
  }
  const octal = mode.toString(8).padStart(3, '0');
  if ((mode & 0o022) !== 0) {
    throw new HostConfigError(`--auth-tokens-file ${path} is writable by ${(mode & 0o002) !== 0 ? 'others' : 'its group'} (mode ${octal}): anyone who can write it can give themselves any role. Run: chmod 600 ${path}`);
  }
  if ((mode & 0o044) !== 0) {
    warnings.push(`--auth-tokens-file ${path} is readable by ${(mode & 0o004) !== 0 ? 'others' : 'its group'} (mode ${octal}): every token in it leaks to them. Run: chmod 600 ${path}`);
  }
}

function readTokens(path: string, warnings: string[]): AuthTokenTable {
  checkTokensFileMode(path, warnings);
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
  const warnings: string[] = [];
  const tokens = config.authTokensFile === undefined ? null : readTokens(config.authTokensFile, warnings);
  const refusal = protectedModeRefusal(config.host, tokens !== null);
  if (refusal !== undefined) throw new HostConfigError(refusal);
  return { tokens, tls: loadTlsMaterial(config), warnings };
}
