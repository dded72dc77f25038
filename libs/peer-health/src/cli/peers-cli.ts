import { parseLeaseHealthDocument, type LeaseHealthDocument, type LeaseHealthPeer } from './lease-health-document';
import { compareOrdinal } from '../base/ordering';
import { DEFAULT_LEASE_HEALTH_PATH } from '../base/peer-health.constants';
import { openChangeSignal, type ChangeSignal } from './event-stream-signal';
import { unreachableMessage, type UrlSource } from './unreachable-host';
import { transitionReason, type StreamedTransition } from './streamed-transitions';
import { printable, renderPeerDetails, renderPeerTable, selectPeers, statusOf, type PeerStatusFilter } from './peer-table';

/** Where the CLI writes and waits; the bin passes the process's, tests pass recorders. */
export interface CliIo {
  /** Writes text as is; the CLI ends every line with "\n" itself. */
  out(text: string): void;
  err(text: string): void;
  /** Highlight watch transitions with ANSI colours. */
  isTTY: boolean;
  sleep(ms: number): Promise<void>;
  /** Aborting it stops `watch` (and a request in flight). */
  signal?: AbortSignal;
}

/** Defaults the bin reads from the environment. */
export interface CliDefaults {
  /** OMNIRELAY_URL, when set. */
  readonly url?: string;
  /** OMNIRELAY_AUTH_TOKEN, when set: sent as a bearer token (a `reader` token is enough). Never printed. */
  readonly token?: string;
}

export const DEFAULT_URL = 'http://127.0.0.1:8080';
/** Where the kit serves lease health by default (`pathPrefix` + `/lease-health`). */
export const LEASE_HEALTH_PATH = DEFAULT_LEASE_HEALTH_PATH;
const REQUEST_TIMEOUT_MS = 5_000;
const DEFAULT_INTERVAL_SECONDS = 2;

export const EXIT_OK = 0;
export const EXIT_PEER_NOT_FOUND = 1;
export const EXIT_UNAVAILABLE = 2;
/** EX_USAGE of sysexits.h. */
export const EXIT_USAGE = 64;
/** 128 + SIGINT, as shells report an interrupted command. */
export const EXIT_INTERRUPTED = 130;

export const PEERS_CLI_USAGE = `Usage: omnirelay-peers [command] [options]

Shows the peers of an OmniRelay control plane, as GET <url><path> reports them.

Commands:
  list              ranked table: unhealthy first, then most pending reassignments,
                    then stalest heartbeat (default command)
  show <peerId>     every field of one peer
  watch             print the table at once when the host's event stream reports a
                    change (at least every --interval seconds; an older host without
                    the stream is polled), with a line for each peer whose status
                    changed since the previous refresh

Options:
  --url <base>      control-plane base URL, may end in a path prefix such as
                    http://host/cp (default: $OMNIRELAY_URL, else ${DEFAULT_URL})
  --path <path>     endpoint path under the base URL (default ${LEASE_HEALTH_PATH});
                    for an app with forRoot({ pathPrefix: '/p' }), use /p/lease-health
  --status <s>      list, watch: only peers that are healthy or unhealthy
  --json            list: the ranked peers as JSON; show: the peer's object as served
  --interval <s>    watch: seconds between refreshes (default ${DEFAULT_INTERVAL_SECONDS})
  --count <n>       watch: stop after n refreshes
  -h, --help        print this help

Environment: OMNIRELAY_AUTH_TOKEN, a bearer token for hosts that require one (reader role).

Exit codes: 0 ok, 1 peer not found, 2 control plane unreachable or not serving
lease health, 64 bad usage, 130 interrupted.
`;

type Command = 'list' | 'show' | 'watch';

interface Options {
  readonly command: Command;
  readonly peerId: string | undefined;
  /** Base URL without trailing slashes. */
  readonly url: string;
  /** Where the base URL came from, named when it cannot be reached. */
  readonly urlSource: UrlSource;
  /** Endpoint path, starting with "/". */
  readonly path: string;
  readonly status: PeerStatusFilter;
  readonly json: boolean;
  readonly intervalMs: number;
  readonly count: number | undefined;
  readonly token: string | undefined;
}

/** A failure that ends the run with an exit code and a message for stderr. */
class CliFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** The operator CLI; returns the exit code instead of exiting, so tests can run it in-process. */
export async function runPeersCli(argv: readonly string[], io: CliIo, defaults: CliDefaults = {}): Promise<number> {
  let options: Options | 'help';
  try {
    options = parseArguments(argv, defaults);
  } catch (error: unknown) {
    if (!(error instanceof CliFailure)) throw error;
    io.err(`omnirelay-peers: ${error.message}\n\n${PEERS_CLI_USAGE}`);
    return error.exitCode;
  }
  if (options === 'help') {
    io.out(PEERS_CLI_USAGE);
    return EXIT_OK;
  }
  try {
    switch (options.command) {
      case 'list':
        return await list(options, io);
      case 'show':
        return await show(options, io);
      case 'watch':
        return await watch(options, io);
    }
  } catch (error: unknown) {
    if (!(error instanceof CliFailure)) throw error;
    io.err(`${error.message}\n`);
    return error.exitCode;
  }
}

async function list(options: Options, io: CliIo): Promise<number> {
  const document = await fetchDocument(options, io.signal);
  io.out(options.json ? toJson(selectPeers(document.peers, options.status)) : renderPeerTable(document, Date.now(), options.status));
  return EXIT_OK;
}

async function show(options: Options, io: CliIo): Promise<number> {
  const document = await fetchDocument(options, io.signal);
  const peer = document.peers.find((p) => p.peerId === options.peerId);
  if (!peer) {
    io.err(`peer ${printable(options.peerId ?? '')} not found at ${options.url}\n`);
    return EXIT_PEER_NOT_FOUND;
  }
  io.out(options.json ? toJson(peer) : renderPeerDetails(peer, Date.now()));
  return EXIT_OK;
}

/**
 * Refreshes until --count refreshes were made or io.signal aborts. A failed refresh is reported
 * and retried at the next tick rather than ending the watch (control planes restart); transitions
 * are then computed against the last refresh that succeeded. The exit code is that of the last
 * refresh.
 */
async function watch(options: Options, io: CliIo): Promise<number> {
  const changes = await openChangeSignal(`${options.url}${options.path}`, options.token, io.signal);
  try {
    return await refreshLoop(options, io, changes);
  } finally {
    changes?.close();
  }
}

/**
 * With the host's event stream, a refresh follows each change at once and the interval is only the
 * longest wait; against an older host without the stream it is plain polling.
 */
async function refreshLoop(options: Options, io: CliIo, changes: ChangeSignal | undefined): Promise<number> {
  let previous: ReadonlyMap<string, LeaseHealthPeer> | undefined;
  let exitCode = EXIT_OK;
  for (let refresh = 1; !io.signal?.aborted; refresh++) {
    if (refresh > 1) io.out('\n');
    try {
      const document = await fetchDocument(options, io.signal);
      const current = new Map(document.peers.map((peer) => [peer.peerId, peer]));
      const streamed = changes?.takeTransitions() ?? new Map<string, StreamedTransition>();
      if (previous) io.out(renderTransitions(previous, current, streamed, io.isTTY));
      io.out(renderPeerTable(document, Date.now(), options.status));
      previous = current;
      exitCode = EXIT_OK;
    } catch (error: unknown) {
      if (!(error instanceof CliFailure)) throw error;
      if (error.exitCode === EXIT_INTERRUPTED) break;
      io.err(`${error.message}\n`);
      exitCode = error.exitCode;
    }
    if (options.count !== undefined && refresh >= options.count) break;
    if (io.signal?.aborted) break;
    await (changes ? Promise.race([changes.next(), io.sleep(options.intervalMs)]) : io.sleep(options.intervalMs));
  }
  return exitCode;
}

const BOLD_RED = '\u001b[1;31m';
const BOLD_GREEN = '\u001b[1;32m';
const RESET = '\u001b[0m';

/**
 * One line per peer whose status changed, appeared or disappeared, in peerId order, with the reason.
 * Computed over all peers even with --status, so a peer that leaves the filtered table says why.
 */
function renderTransitions(
  previous: ReadonlyMap<string, LeaseHealthPeer>,
  current: ReadonlyMap<string, LeaseHealthPeer>,
  streamed: ReadonlyMap<string, StreamedTransition>,
  highlight: boolean,
): string {
  const ids = [...new Set([...previous.keys(), ...current.keys()])].sort(compareOrdinal);
  let text = '';
  for (const id of ids) {
    const before = previous.get(id);
    const after = current.get(id);
    const from = before ? statusOf(before) : 'new';
    const to = after ? statusOf(after) : 'gone';
    if (from === to) continue;
    const reason = transitionReason(to, after, streamed.get(id), Date.now());
    const line = printable(`${id}: ${from} -> ${to}${reason === undefined ? '' : ` (${reason})`}`);
    text += highlight ? `${to === 'healthy' ? BOLD_GREEN : BOLD_RED}${line}${RESET}\n` : `${line}\n`;
  }
  return text;
}

function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** GETs and validates the lease-health document; failures become CliFailures with the exit code. */
async function fetchDocument(target: Pick<Options, 'url' | 'urlSource' | 'path' | 'token'>, signal: AbortSignal | undefined): Promise<LeaseHealthDocument> {
  const token = target.token;
  const baseUrl = target.url;
  const endpoint = `${baseUrl}${target.path}`;
  const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  let status: number;
  let contentType: string | null;
  let body: string;
  try {
    // The body is read under the same signal, so a server that stalls mid-body also times out.
    const headers: Record<string, string> = { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) };
    const response = await fetch(endpoint, { signal: combined, headers });
    status = response.status;
    contentType = response.headers.get('content-type');
    body = await response.text();
  } catch (error: unknown) {
    if (signal?.aborted) throw new CliFailure('interrupted', EXIT_INTERRUPTED);
    throw new CliFailure(unreachableMessage(endpoint, target.url, target.urlSource, error, REQUEST_TIMEOUT_MS), EXIT_UNAVAILABLE);
  }
  const notDocument = (detail: string): CliFailure =>
    new CliFailure(
      `${endpoint} did not answer with a lease-health document (HTTP ${status}): ${detail}`,
      EXIT_UNAVAILABLE,
    );
  if (status !== 200) throw notDocument(describeBody(contentType, body));
  try {
    return parseLeaseHealthDocument(body);
  } catch (error: unknown) {
    throw notDocument(error instanceof Error ? error.message : String(error));
  }
}

/** What a wrong answer looked like: its content type and the start of its body, on one line. */
function describeBody(contentType: string | null, body: string): string {
  const oneLine = body.replace(/\s+/g, ' ').trim();
  if (oneLine === '') return `${contentType ?? 'no content type'}, empty body`;
  const start = oneLine.length > 120 ? `${oneLine.slice(0, 117)}...` : oneLine;
  return `${contentType ?? 'no content type'} body ${printable(JSON.stringify(start))}`;
}

/** The bad-usage failure; its message is printed with the usage text. */
function usage(message: string): CliFailure {
  return new CliFailure(message, EXIT_USAGE);
}

function parseArguments(argv: readonly string[], defaults: CliDefaults): Options | 'help' {
  const positionals: string[] = [];
  let url: string | undefined;
  let path: string | undefined;
  let status: string | undefined;
  let json = false;
  let interval: string | undefined;
  let count: string | undefined;
  let onlyPositionals = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (onlyPositionals || arg === '-' || !arg.startsWith('-')) {
      positionals.push(arg);
      continue;
    }
    if (arg === '--') {
      onlyPositionals = true;
      continue;
    }
    if (arg === '--help' || arg === '-h') return 'help';
    const equals = arg.indexOf('=');
    const name = equals === -1 ? arg : arg.slice(0, equals);
    const inline = equals === -1 ? undefined : arg.slice(equals + 1);
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = argv[i + 1];
      if (next === undefined) throw usage(`${name} needs a value`);
      i++;
      return next;
    };
    switch (name) {
      case '--url':
        url = value();
        break;
      case '--path':
        path = value();
        break;
      case '--status':
        status = value();
        break;
      case '--interval':
        interval = value();
        break;
      case '--count':
        count = value();
        break;
      case '--json':
        if (inline !== undefined) throw usage('--json takes no value');
        json = true;
        break;
      default:
        throw usage(`unknown option ${printable(name)}`);
    }
  }

  const [commandArg = 'list', ...rest] = positionals;
  if (commandArg !== 'list' && commandArg !== 'show' && commandArg !== 'watch') {
    throw usage(`unknown command ${printable(commandArg)}`);
  }
  const command: Command = commandArg;
  let peerId: string | undefined;
  if (command === 'show') {
    if (rest.length === 0) throw usage('show needs a peerId');
    [peerId] = rest;
    if (rest.length > 1) throw usage(`show takes one peerId, not ${rest.length}`);
  } else if (rest.length > 0) {
    throw usage(`${command} takes no arguments, got ${printable(rest.join(' '))}`);
  }
  if (command !== 'watch' && interval !== undefined) throw usage('--interval applies only to watch');
  if (command !== 'watch' && count !== undefined) throw usage('--count applies only to watch');
  if (command === 'watch' && json) throw usage('--json applies only to list and show');
  if (command === 'show' && status !== undefined) throw usage('--status applies only to list and watch');

  // Named in errors by where it came from, so a bad OMNIRELAY_URL is not blamed on --url.
  const urlSource: UrlSource = url !== undefined ? '--url' : defaults.url !== undefined ? 'OMNIRELAY_URL' : 'default';
  const baseUrl =
    url !== undefined
      ? parseBaseUrl(url, '--url')
      : defaults.url !== undefined
        ? parseBaseUrl(defaults.url, 'OMNIRELAY_URL')
        : DEFAULT_URL;
  return {
    command,
    peerId,
    url: baseUrl,
    urlSource,
    path: path === undefined ? LEASE_HEALTH_PATH : parsePath(path),
    status: status === undefined ? undefined : parseStatus(status),
    json,
    intervalMs: interval === undefined ? DEFAULT_INTERVAL_SECONDS * 1000 : parseInterval(interval),
    count: count === undefined ? undefined : parseCount(count),
    token: defaults.token,
  };
}

/** An http(s) base URL, without trailing slashes so the endpoint path can be appended. */
function parseBaseUrl(text: string, source: string): string {
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw usage(`${source} ${printable(JSON.stringify(text))} is not a URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw usage(`${source} ${printable(JSON.stringify(text))} is not an http(s) URL`);
  }
  if (parsed.search !== '' || parsed.hash !== '') {
    throw usage(`${source} ${printable(JSON.stringify(text))} must be a base URL, without ?query or #fragment`);
  }
  return text.trim().replace(/\/+$/, '');
}

/** An absolute URL path without query or fragment, trailing slashes dropped. */
function parsePath(text: string): string {
  if (!/^\/[^?#\s]*$/.test(text) || text.startsWith('//')) {
    throw usage(`--path ${printable(JSON.stringify(text))} is not a URL path starting with /`);
  }
  return text.replace(/\/+$/, '') || '/';
}

function parseStatus(text: string): 'healthy' | 'unhealthy' {
  if (text !== 'healthy' && text !== 'unhealthy') {
    throw usage(`--status ${printable(JSON.stringify(text))} is not healthy or unhealthy`);
  }
  return text;
}

function parseInterval(text: string): number {
  const seconds = Number(text);
  // Under 0.1 s the CLI would hammer the control plane; over a day is surely a typo.
  if (text.trim() === '' || !Number.isFinite(seconds) || seconds < 0.1 || seconds > 86_400) {
    throw usage(`--interval ${printable(JSON.stringify(text))} is not a number of seconds between 0.1 and 86400`);
  }
  return Math.round(seconds * 1000);
}

function parseCount(text: string): number {
  const count = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(count) || count < 1) {
    throw usage(`--count ${printable(JSON.stringify(text))} is not a positive integer`);
  }
  return count;
}
