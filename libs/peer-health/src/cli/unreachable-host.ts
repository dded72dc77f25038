import { printable } from './peer-table';

/** Where the CLI's base URL came from. */
export type UrlSource = '--url' | 'OMNIRELAY_URL' | 'default';

const URL_SOURCES: Record<UrlSource, string> = {
  '--url': 'the URL given by --url',
  OMNIRELAY_URL: 'the URL given by OMNIRELAY_URL',
  default: 'the default URL, as neither --url nor OMNIRELAY_URL is set',
};

/**
 * "cannot reach <endpoint>: <reason>", then (unless the host answered too slowly) what it means and
 * where the URL came from, so that a host on another port or address is one flag away.
 */
export function unreachableMessage(endpoint: string, baseUrl: string, source: UrlSource, error: unknown, timeoutMs: number): string {
  const first = `cannot reach ${endpoint}: ${reasonOf(error, timeoutMs)}`;
  if (asErrorLike(error)?.name === 'TimeoutError') return first;
  const { host } = new URL(baseUrl);
  const what = /ECONNREFUSED/.test(first) ? `nothing listens on ${host}` : `no connection to ${host}`;
  return (
    `${first}\n` +
    `  ${what} (${URL_SOURCES[source]}).\n` +
    '  Point the CLI at the app with --url http://<host>:<port> or the OMNIRELAY_URL environment variable' +
    ' (and --path when the app serves lease health under another path).'
  );
}

interface ErrorLike {
  readonly name: string;
  readonly message: string;
  readonly cause?: unknown;
  readonly errors?: unknown;
}

/**
 * Duck-typed rather than `instanceof Error`: fetch's errors may come from another realm (jest's
 * vm contexts, for one), where instanceof is false.
 */
function asErrorLike(value: unknown): ErrorLike | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { name, message } = value as Partial<Record<'name' | 'message', unknown>>;
  return typeof name === 'string' && typeof message === 'string' ? (value as ErrorLike) : undefined;
}

/** Why fetch failed: undici wraps the socket error ("connect ECONNREFUSED ...") as the cause. */
function reasonOf(error: unknown, timeoutMs: number): string {
  const failure = asErrorLike(error);
  if (!failure) return printable(String(error));
  if (failure.name === 'TimeoutError') return `no answer within ${timeoutMs / 1000} s`;
  const cause = asErrorLike(failure.cause);
  // Several addresses tried (localhost as ::1 and 127.0.0.1) fail as an AggregateError without a message.
  if (cause && cause.message === '' && Array.isArray(cause.errors)) {
    const inner = cause.errors.map((e: unknown) => asErrorLike(e)?.message ?? '').filter((m) => m !== '');
    if (inner.length > 0) return printable(inner.join('; '));
  }
  if (cause && cause.message !== '') return printable(cause.message);
  return printable(failure.message);
}
