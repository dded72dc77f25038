import { isIPv4, isIPv6 } from 'node:net';

/** True for addresses only this machine can reach: localhost, 127.0.0.0/8, ::1 (and its IPv4-mapped form). */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const lower = bare.toLowerCase();
  if (lower === 'localhost') return true;
  if (isIPv4(lower)) return lower.startsWith('127.');
  if (isIPv6(lower)) return lower === '::1' || lower === '0:0:0:0:0:0:0:1' || /^::ffff:127\.\d+\.\d+\.\d+$/.test(lower);
  return false;
}

/** Why the host refuses to start, or undefined when it may: without tokens it serves loopback only. */
export function protectedModeRefusal(host: string, hasTokens: boolean): string | undefined {
  if (hasTokens || isLoopbackHost(host)) return undefined;
  return [
    `protected mode: refusing to listen on ${host} without authentication.`,
    'Every control endpoint would be open to anyone who can reach this address. Either',
    '  - create a tokens file, {"tokens":[{"token":"<random, 32+ chars>","role":"admin"}, ...]}',
    '    (roles: reader, worker (with "subject": its id), node, admin), and pass it with',
    '    --auth-tokens-file FILE (or OMNIRELAY_AUTH_TOKENS_FILE=FILE); see docs/security.md; or',
    '  - listen on a loopback address (--host 127.0.0.1) for a local demo.',
  ].join('\n');
}
