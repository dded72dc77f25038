import { usage } from './cli-failure';
import { type CliDefaults } from './cli-io';
import { DEFAULT_INTERVAL_SECONDS, DEFAULT_URL, LEASE_HEALTH_PATH } from './cli-settings';
import { printable, type PeerStatusFilter } from './peer-table';
import { type UrlSource } from './unreachable-host';

// The command line, read into options (or a usage failure).

export type Command = 'list' | 'show' | 'watch';

export interface Options {
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

/** Reads the command line; 'help' for -h/--help; throws a usage CliFailure on anything wrong. */
export function parseArguments(argv: readonly string[], defaults: CliDefaults): Options | 'help' {
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
