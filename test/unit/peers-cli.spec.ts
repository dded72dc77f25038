import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { formatAge, parseLeaseHealthDocument, PEERS_CLI_USAGE, rankPeers, runPeersCli, type CliIo } from '@omnirelay/peer-health/cli';

const PATH = '/omnirelay/control/lease-health';
/** 2026-11-24T09:30:10Z: the CLI's "now" in these tests, so ages are exact. */
const NOW = Date.UTC(2026, 10, 24, 9, 30, 10);
const NEVER = '0001-01-01T00:00:00+00:00';

type Peer = Record<string, unknown>;

function peer(peerId: string, over: Peer = {}): Peer {
  return {
    peerId,
    lastHeartbeat: '2026-11-24T09:30:08.8+00:00',
    isHealthy: true,
    activeAssignments: 0,
    pendingReassignments: 0,
    activeLeases: [],
    metadata: {},
    ...over,
  };
}

/** Deliberately served out of order: the CLI ranks. */
const SAMPLE_PEERS: Peer[] = [
  peer('worker-5'),
  peer('worker-1', {
    lastDisconnect: '2026-11-24T09:30:00.1+00:00',
    activeAssignments: 1,
    activeLeases: [{ sequenceId: 1, attempt: 1, leaseId: '00000000-0000-4000-8000-000000000001' }],
    metadata: { 'pending.count': '4', 'mesh.role': 'worker', 'mesh.region': 'eu-west', 'disconnect.reason': 'connection-reset' },
  }),
  peer('worker-2', { lastHeartbeat: '2026-11-24T09:27:10+00:00', activeAssignments: 2, metadata: { 'mesh.role': 'worker', 'mesh.region': 'us-east' } }),
  peer('worker-3', {
    lastHeartbeat: '2026-11-24T09:29:00+00:00',
    lastDisconnect: '2026-11-24T09:29:30+00:00',
    isHealthy: false,
    metadata: { 'mesh.role': 'worker', 'disconnect.reason': 'connection-reset' },
  }),
  peer('gateway-1', { lastHeartbeat: NEVER, isHealthy: false, metadata: { 'mesh.region': 'eu-west', 'mesh.leader.scope.dispatch': 'gateway-1' } }),
  peer('worker-4', { lastHeartbeat: '2026-11-24T09:30:09.5+00:00', activeAssignments: 3, pendingReassignments: 3 }),
  peer('worker-6', { lastHeartbeat: '2026-11-24T09:30:05+00:00', isHealthy: false, activeAssignments: 1, pendingReassignments: 2, metadata: { 'disconnect.reason': 'heartbeat-timeout' } }),
];
const SAMPLE = { peers: SAMPLE_PEERS, summary: { eligiblePeers: 4, unhealthyPeers: 3, pendingReassignments: 5 } };

const SAMPLE_TABLE = [
  'PEER       STATUS     LEASES  PENDING  LAST HEARTBEAT  DISCONNECT         ROLE/REGION',
  'worker-6   UNHEALTHY       1        2  5.0s ago        heartbeat-timeout  -',
  'gateway-1  UNHEALTHY       0        0  never           -                  -/eu-west',
  'worker-3   UNHEALTHY       0        0  1m ago          connection-reset   worker/-',
  'worker-4   healthy         3        3  0.5s ago        -                  -',
  'worker-2   healthy         2        0  3m ago          -                  worker/us-east',
  'worker-1   healthy         1        0  1.2s ago        connection-reset   worker/eu-west',
  'worker-5   healthy         0        0  1.2s ago        -                  -',
  '7 peers: 4 eligible, 3 unhealthy, 5 pending reassignments',
  '',
].join('\n');

interface Answer {
  readonly status?: number;
  readonly contentType?: string;
  readonly body: string;
}

interface TestServer {
  readonly url: string;
  readonly requests: string[];
  /** Requests of the event stream (answered 404, as an older host would). */
  readonly streamProbes: string[];
}

const servers: Server[] = [];

/** A real HTTP server on 127.0.0.1; `answer` gets the 0-based index of the request. */
async function serve(answer: (request: number) => Answer | 'hang'): Promise<TestServer> {
  const requests: string[] = [];
  const streamProbes: string[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    // These servers play a host older than the event stream: `watch` must fall back to polling.
    if (req.url?.endsWith('/events')) {
      streamProbes.push(req.url);
      res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' });
      res.end('{"statusCode":404,"message":"Cannot GET"}');
      return;
    }
    const index = requests.push(req.url ?? '') - 1;
    const reply = answer(index);
    if (reply === 'hang') return;
    res.writeHead(reply.status ?? 200, { 'content-type': reply.contentType ?? 'application/json; charset=utf-8' });
    res.end(reply.body);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, streamProbes };
}

const json = (document: unknown): Answer => ({ body: JSON.stringify(document) });

/** A port nothing listens on: bound, then released. */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
  readonly sleeps: number[];
}

async function run(argv: string[], over: Partial<CliIo> & { onSleep?: (n: number) => void; env?: { url?: string } } = {}): Promise<Run> {
  let out = '';
  let err = '';
  const sleeps: number[] = [];
  const io: CliIo = {
    out: (text) => {
      out += text;
    },
    err: (text) => {
      err += text;
    },
    isTTY: over.isTTY ?? false,
    sleep: (ms) => {
      sleeps.push(ms);
      over.onSleep?.(sleeps.length);
      return Promise.resolve();
    },
    signal: over.signal,
  };
  const code = await runPeersCli(argv, io, over.env);
  return { code, out, err, sleeps };
}

beforeEach(() => {
  jest.spyOn(Date, 'now').mockReturnValue(NOW);
});

afterEach(async () => {
  jest.restoreAllMocks();
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
});

describe('omnirelay-peers list', () => {
  it('prints the ranked table and the summary, and is the default command', async () => {
    const server = await serve(() => json(SAMPLE));
    for (const argv of [['list', '--url', server.url], ['--url', server.url]]) {
      const result = await run(argv);
      expect(result).toEqual({ code: 0, out: SAMPLE_TABLE, err: '', sleeps: [] });
    }
    expect(server.requests).toEqual([PATH, PATH]);
  });

  it('ranks unhealthy first, then more pending, then older heartbeat ("never" oldest), then peerId', () => {
    const ranked = rankPeers(parseLeaseHealthDocument(JSON.stringify(SAMPLE)).peers).map((p) => p.peerId);
    expect(ranked).toEqual(['worker-6', 'gateway-1', 'worker-3', 'worker-4', 'worker-2', 'worker-1', 'worker-5']);
  });

  it('--json prints the peers ranked, each object as served', async () => {
    const server = await serve(() => json(SAMPLE));
    const result = await run(['list', '--json', `--url=${server.url}`]);
    expect(result.code).toBe(0);
    expect(result.err).toBe('');
    const printed = JSON.parse(result.out) as Peer[];
    expect(printed.map((p) => p.peerId)).toEqual(['worker-6', 'gateway-1', 'worker-3', 'worker-4', 'worker-2', 'worker-1', 'worker-5']);
    expect(printed[5]).toEqual(SAMPLE_PEERS[1]);
  });

  it('appends the endpoint to a base URL with a path and trailing slash, and takes the default from OMNIRELAY_URL', async () => {
    const server = await serve(() => json(SAMPLE));
    expect((await run(['--url', `${server.url}/relay/`])).code).toBe(0);
    expect((await run([], { env: { url: server.url } })).out).toBe(SAMPLE_TABLE);
    expect(server.requests).toEqual([`/relay${PATH}`, PATH]);
  });

  it('--path replaces the endpoint path, after a base URL path prefix', async () => {
    const server = await serve(() => json(SAMPLE));
    expect(await run(['--url', `${server.url}/relay`, '--path', '/diag/lease-health/'])).toEqual({ code: 0, out: SAMPLE_TABLE, err: '', sleeps: [] });
    expect((await run(['show', 'worker-1', '--path=/diag/lease-health', '--url', server.url])).code).toBe(0);
    expect(server.requests).toEqual(['/relay/diag/lease-health', '/diag/lease-health']);
  });

  it('--status unhealthy lists only unhealthy peers, ranked, with the summary of the whole view', async () => {
    const server = await serve(() => json(SAMPLE));
    const result = await run(['list', '--status', 'unhealthy', '--url', server.url]);
    expect(result).toEqual({ code: 0, out: [SAMPLE_TABLE.split('\n')[0], ...SAMPLE_TABLE.split('\n').slice(1, 4), ...SAMPLE_TABLE.split('\n').slice(-2)].join('\n'), err: '', sleeps: [] });
    const printed = JSON.parse((await run(['list', '--json', '--status=healthy', '--url', server.url])).out) as Peer[];
    expect(printed.map((p) => p.peerId)).toEqual(['worker-4', 'worker-2', 'worker-1', 'worker-5']);
  });

  it('--status says so when no peer has that status', async () => {
    const server = await serve(() => json({ peers: [peer('worker-1')], summary: { eligiblePeers: 1, unhealthyPeers: 0, pendingReassignments: 0 } }));
    expect(await run(['--status', 'unhealthy', '--url', server.url])).toMatchObject({
      code: 0,
      out: 'No unhealthy peers.\n1 peers: 1 eligible, 0 unhealthy, 0 pending reassignments\n',
    });
  });

  it('says so when there are no peers', async () => {
    const server = await serve(() => json({ peers: [], summary: { eligiblePeers: 0, unhealthyPeers: 0, pendingReassignments: 0 } }));
    expect(await run(['--url', server.url])).toMatchObject({
      code: 0,
      out: 'No peers.\n0 peers: 0 eligible, 0 unhealthy, 0 pending reassignments\n',
    });
  });

  it('escapes control characters in served text instead of writing them to the terminal', async () => {
    const server = await serve(() =>
      json({ peers: [peer('evil\u001b[2J', { metadata: { 'disconnect.reason': 'a\nb' } })], summary: SAMPLE.summary }),
    );
    const { out } = await run(['--url', server.url]);
    expect(out).not.toContain('\u001b');
    expect(out.split('\n')[1]).toBe('evil\\u001b[2J  healthy       0        0  1.2s ago        a\\u000ab    -');
  });
});

describe('ages', () => {
  it.each([
    ['2026-11-24T09:30:08.8+00:00', '1.2s ago'],
    ['2026-11-24T09:29:10.01+00:00', '59.9s ago'],
    ['2026-11-24T09:27:10+00:00', '3m ago'],
    ['2026-11-24T04:30:10+00:00', '5h ago'],
    ['2026-11-22T09:30:10+00:00', '2d ago'],
    ['2026-11-24T11:30:10+02:00', '0.0s ago'],
    ['2026-11-24T09:30:13+00:00', 'in 3.0s'],
    [NEVER, 'never'],
  ])('%s is %s', (wire, age) => {
    expect(formatAge(wire, NOW)).toBe(age);
  });
});

describe('omnirelay-peers show', () => {
  it('prints every field, the leases and the metadata sorted by key', async () => {
    const server = await serve(() => json(SAMPLE));
    const result = await run(['show', 'worker-1', '--url', server.url]);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out).toBe(
      [
        'peerId                worker-1',
        'status                healthy',
        'lastHeartbeat         2026-11-24T09:30:08.8+00:00 (1.2s ago)',
        'lastDisconnect        2026-11-24T09:30:00.1+00:00 (9.9s ago)',
        'activeAssignments     1',
        'pendingReassignments  0',
        'activeLeases          1',
        '  sequenceId=1 attempt=1 leaseId=00000000-0000-4000-8000-000000000001',
        'metadata              4',
        '  disconnect.reason=connection-reset',
        '  mesh.region=eu-west',
        '  mesh.role=worker',
        '  pending.count=4',
        '',
      ].join('\n'),
    );
  });

  it('leaves out lastDisconnect when the peer has none and shows a never-heartbeated peer as never', async () => {
    const server = await serve(() => json(SAMPLE));
    const { code, out } = await run(['show', 'gateway-1', '--url', server.url]);
    expect(code).toBe(0);
    expect(out).toContain(`lastHeartbeat         ${NEVER} (never)\n`);
    expect(out).toContain('status                UNHEALTHY\n');
    expect(out).not.toContain('lastDisconnect');
    expect(out).toContain('activeLeases          0\nmetadata              2\n  mesh.leader.scope.dispatch=gateway-1\n  mesh.region=eu-west\n');
  });

  it('--json prints the peer object as served', async () => {
    const server = await serve(() => json(SAMPLE));
    const { code, out } = await run(['show', '--json', 'worker-3', '--url', server.url]);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual(SAMPLE_PEERS[3]);
  });

  it('exits 1 with "peer <id> not found at <url>" for an unknown peer', async () => {
    const server = await serve(() => json(SAMPLE));
    expect(await run(['show', 'worker-9', '--url', `${server.url}/`])).toEqual({
      code: 1,
      out: '',
      err: `peer worker-9 not found at ${server.url}\n`,
      sleeps: [],
    });
  });
});

describe('omnirelay-peers errors', () => {
  const HOW_TO_POINT =
    '  Point the CLI at the app with --url http://<host>:<port> or the OMNIRELAY_URL environment variable' +
    ' (and --path when the app serves lease health under another path).\n';

  it('exits 2 naming the URL it tried, that nothing listens there, and --url / OMNIRELAY_URL', async () => {
    const url = await closedPortUrl();
    const host = url.slice('http://'.length);
    const result = await run(['list', '--url', url]);
    expect(result.code).toBe(2);
    expect(result.out).toBe('');
    expect(result.err).toBe(
      `cannot reach ${url}${PATH}: connect ECONNREFUSED ${host}\n  nothing listens on ${host} (the URL given by --url).\n${HOW_TO_POINT}`,
    );
    const fromEnvironment = await run(['show', 'worker-1', '--path', '/ops/lease-health'], { env: { url } });
    expect(fromEnvironment.code).toBe(2);
    expect(fromEnvironment.err).toBe(
      `cannot reach ${url}/ops/lease-health: connect ECONNREFUSED ${host}\n  nothing listens on ${host} (the URL given by OMNIRELAY_URL).\n${HOW_TO_POINT}`,
    );
  });

  it('exits 2 naming the endpoint, the status and the body when the answer is an HTML 404', async () => {
    const server = await serve(() => ({ status: 404, contentType: 'text/html', body: '<html>\n<body>Not Found</body>\n</html>' }));
    const result = await run(['show', 'worker-1', '--url', server.url]);
    expect(result.code).toBe(2);
    expect(result.out).toBe('');
    expect(result.err).toBe(
      `${server.url}${PATH} did not answer with a lease-health document (HTTP 404): ` +
        'text/html body "<html> <body>Not Found</body> </html>"\n',
    );
  });

  it('exits 2 when a 200 answer is not JSON', async () => {
    const server = await serve(() => ({ contentType: 'text/html', body: '<html>hello</html>' }));
    const result = await run(['--url', server.url]);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(
      new RegExp(`^${escape(`${server.url}${PATH} did not answer with a lease-health document (HTTP 200): not JSON (`)}.+\\)\\n$`),
    );
  });

  it('exits 2 naming the offending field when a 200 JSON answer has the wrong shape', async () => {
    const server = await serve(() => json({ peers: [peer('a'), peer('b', { isHealthy: 'yes' })], summary: SAMPLE.summary }));
    const result = await run(['--url', server.url]);
    expect(result.code).toBe(2);
    expect(result.err).toBe(
      `${server.url}${PATH} did not answer with a lease-health document (HTTP 200): peers[1].isHealthy is "yes", not a boolean\n`,
    );
  });

  it('times out after 5 s when the server never answers', async () => {
    const server = await serve(() => 'hang');
    const started = performance.now();
    const result = await run(['--url', server.url]);
    const elapsed = performance.now() - started;
    expect(result.code).toBe(2);
    expect(result.err).toBe(`cannot reach ${server.url}${PATH}: no answer within 5 s\n`);
    expect(elapsed).toBeGreaterThanOrEqual(4_900);
    expect(elapsed).toBeLessThan(9_000);
  }, 15_000);

  it.each([
    [['frob'], 'unknown command frob'],
    [['list', '--frob'], 'unknown option --frob'],
    [['show'], 'show needs a peerId'],
    [['show', 'a', 'b'], 'show takes one peerId, not 2'],
    [['list', 'extra'], 'list takes no arguments, got extra'],
    [['list', '--count', '2'], '--count applies only to watch'],
    [['show', 'a', '--interval', '1'], '--interval applies only to watch'],
    [['watch', '--json'], '--json applies only to list and show'],
    [['watch', '--count', '0'], '--count "0" is not a positive integer'],
    [['watch', '--interval', 'soon'], '--interval "soon" is not a number of seconds between 0.1 and 86400'],
    [['show', 'a', '--status', 'healthy'], '--status applies only to list and watch'],
    [['--status', 'sick'], '--status "sick" is not healthy or unhealthy'],
    [['--path', 'diag/lease-health'], '--path "diag/lease-health" is not a URL path starting with /'],
    [['--path', '/x?y=1'], '--path "/x?y=1" is not a URL path starting with /'],
    [['--url'], '--url needs a value'],
    [['--url', 'ftp://host'], '--url "ftp://host" is not an http(s) URL'],
    [['--url', 'not a url'], '--url "not a url" is not a URL'],
  ])('%j is bad usage: exit 64, message and usage on stderr', async (argv, message) => {
    expect(await run(argv)).toEqual({ code: 64, out: '', err: `omnirelay-peers: ${message}\n\n${PEERS_CLI_USAGE}`, sleeps: [] });
  });

  it('names OMNIRELAY_URL when the default from the environment is bad', async () => {
    const result = await run([], { env: { url: 'nope' } });
    expect(result.code).toBe(64);
    expect(result.err.split('\n')[0]).toBe('omnirelay-peers: OMNIRELAY_URL "nope" is not a URL');
  });

  it.each([[['--help']], [['-h']], [['show', '--help']]])('%j prints the usage and exits 0', async (argv) => {
    expect(await run(argv)).toEqual({ code: 0, out: PEERS_CLI_USAGE, err: '', sleeps: [] });
    expect(PEERS_CLI_USAGE).toMatch(/^Usage: omnirelay-peers /);
    for (const word of ['list', 'show <peerId>', 'watch', '--url <base>', '--path <path>', '--status <s>', '--json', '--interval', '--count', 'OMNIRELAY_URL']) {
      expect(PEERS_CLI_USAGE).toContain(word);
    }
  });
});

describe('omnirelay-peers watch', () => {
  const first = {
    peers: [peer('worker-1'), peer('worker-2'), peer('worker-3'), peer('worker-5', { isHealthy: false })],
    summary: { eligiblePeers: 3, unhealthyPeers: 1, pendingReassignments: 0 },
  };
  const second = {
    peers: [
      peer('worker-1'),
      peer('worker-3', { isHealthy: false, pendingReassignments: 1, metadata: { 'disconnect.reason': 'connection-reset' } }),
      peer('worker-4', { lastHeartbeat: NEVER }),
      peer('worker-5', { metadata: { 'disconnect.reason': 'connection-reset' } }),
    ],
    summary: { eligiblePeers: 3, unhealthyPeers: 1, pendingReassignments: 1 },
  };
  const firstTable = [
    'PEER      STATUS     LEASES  PENDING  LAST HEARTBEAT  DISCONNECT  ROLE/REGION',
    'worker-5  UNHEALTHY       0        0  1.2s ago        -           -',
    'worker-1  healthy         0        0  1.2s ago        -           -',
    'worker-2  healthy         0        0  1.2s ago        -           -',
    'worker-3  healthy         0        0  1.2s ago        -           -',
    '4 peers: 3 eligible, 1 unhealthy, 0 pending reassignments',
    '',
  ].join('\n');
  const secondTable = [
    'PEER      STATUS     LEASES  PENDING  LAST HEARTBEAT  DISCONNECT        ROLE/REGION',
    'worker-3  UNHEALTHY       0        1  1.2s ago        connection-reset  -',
    'worker-4  healthy         0        0  never           -                 -',
    'worker-1  healthy         0        0  1.2s ago        -                 -',
    'worker-5  healthy         0        0  1.2s ago        connection-reset  -',
    '4 peers: 3 eligible, 1 unhealthy, 1 pending reassignments',
    '',
  ].join('\n');
  const transitions = ['worker-2: healthy -> gone', 'worker-3: healthy -> UNHEALTHY (connection-reset)', 'worker-4: new -> healthy', 'worker-5: UNHEALTHY -> healthy'];

  it('prints a line per status change before the refreshed table, plain when not a TTY', async () => {
    const server = await serve((i) => json(i === 0 ? first : second));
    const result = await run(['watch', '--url', server.url, '--count', '2']);
    expect(server.streamProbes).toEqual(['/omnirelay/control/lease-health/events']);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out).toBe(`${firstTable}\n${transitions.map((t) => `${t}\n`).join('')}${secondTable}`);
    expect(result.sleeps).toEqual([2000]);
    expect(server.requests).toEqual([PATH, PATH]);
  });

  it('without the stream, says why a peer turned unhealthy: its latest disconnect reason, else its last heartbeat age', async () => {
    const stale = {
      peers: [
        peer('worker-1', { isHealthy: false, lastHeartbeat: '2026-11-24T09:29:40+00:00' }),
        // Disconnected, then heart-beating again, then silent: the old disconnect is not why.
        peer('worker-2', { isHealthy: false, lastHeartbeat: '2026-11-24T09:29:50+00:00', lastDisconnect: '2026-11-24T09:29:00+00:00', metadata: { 'disconnect.reason': 'crash' } }),
        peer('worker-3', { isHealthy: false, lastDisconnect: '2026-11-24T09:30:09+00:00', metadata: { 'disconnect.reason': 'lease-expired' } }),
      ],
      summary: { eligiblePeers: 0, unhealthyPeers: 3, pendingReassignments: 0 },
    };
    const healthy = { peers: [peer('worker-1'), peer('worker-2'), peer('worker-3')], summary: { eligiblePeers: 3, unhealthyPeers: 0, pendingReassignments: 0 } };
    const server = await serve((i) => json(i === 0 ? healthy : stale));
    const result = await run(['watch', '--url', server.url, '--count', '2']);
    expect(result.out.split('\n').filter((line) => line.includes(' -> '))).toEqual([
      'worker-1: healthy -> UNHEALTHY (last heartbeat 30.0s ago)',
      'worker-2: healthy -> UNHEALTHY (last heartbeat 20.0s ago)',
      'worker-3: healthy -> UNHEALTHY (lease-expired)',
    ]);
  });

  it("takes each change line's reason from the host's event stream, ignoring malformed or mismatched transitions", async () => {
    const before = { peers: [peer('worker-1'), peer('worker-2'), peer('worker-3'), peer('worker-4', { isHealthy: false })], summary: SAMPLE.summary };
    const after = {
      peers: [
        peer('worker-1'),
        peer('worker-2', { isHealthy: false }),
        peer('worker-3', { isHealthy: false, lastDisconnect: '2026-11-24T09:30:09+00:00', metadata: { 'disconnect.reason': 'crash' } }),
        peer('worker-4'),
      ],
      summary: SAMPLE.summary,
    };
    const transition = (data: string): string => `id: 1\nevent: transition\ndata: ${data}\n\n`;
    let stream: ServerResponse | undefined;
    let documents = 0;
    const server = createServer((req, res) => {
      if (req.url?.endsWith('/events')) {
        res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
        res.write('retry: 2000\n: hello\n\n');
        stream = res;
        return;
      }
      if (documents++ === 0) {
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(before));
        return;
      }
      // Between the two reads: what the stream says happened, then (a little later) the new view.
      stream?.write(
        transition('not json') +
          transition(JSON.stringify({ peerId: 'worker-3', to: 'unhealthy', reason: 'x'.repeat(100) })) +
          transition(JSON.stringify({ peerId: 'worker-2', to: 'unhealthy', reason: 'heartbeat-expired' })) +
          transition(JSON.stringify({ peerId: 'worker-1', to: 'unhealthy', reason: 'disconnect' })) +
          transition(JSON.stringify({ peerId: 'worker-4', to: 'healthy', reason: 'heartbeat' })),
      );
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(after)), 300);
    });
    servers.push(server);
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const result = await run(['watch', '--url', url, '--count', '2']);
    stream?.end();
    expect(result.err).toBe('');
    expect(result.out.split('\n').filter((line) => line.includes(' -> '))).toEqual([
      'worker-2: healthy -> UNHEALTHY (heartbeat-expired)',
      // The overlong streamed reason is dropped: the recorded disconnect reason stands in.
      'worker-3: healthy -> UNHEALTHY (crash)',
      'worker-4: UNHEALTHY -> healthy (heartbeat)',
    ]);
  });

  it('highlights transitions in bold red or green on a TTY, honouring --interval', async () => {
    const server = await serve((i) => json(i === 0 ? first : second));
    const result = await run(['watch', '--url', server.url, '--count=2', '--interval', '0.5'], { isTTY: true });
    expect(result.code).toBe(0);
    expect(result.sleeps).toEqual([500]);
    const colours = ['\u001b[1;31m', '\u001b[1;31m', '\u001b[1;32m', '\u001b[1;32m'];
    const highlighted = transitions.map((t, i) => `${colours[i] ?? ''}${t}\u001b[0m\n`).join('');
    expect(result.out).toBe(`${firstTable}\n${highlighted}${secondTable}`);
  });

  it('--status filters the tables but still reports every transition', async () => {
    const server = await serve((i) => json(i === 0 ? first : second));
    const result = await run(['watch', '--url', server.url, '--count', '2', '--status', 'unhealthy']);
    expect(result.code).toBe(0);
    const [firstHeader = '', firstUnhealthy = ''] = firstTable.split('\n');
    const [secondHeader = '', secondUnhealthy = ''] = secondTable.split('\n');
    expect(result.out).toBe(
      [firstHeader.trimEnd(), firstUnhealthy, '4 peers: 3 eligible, 1 unhealthy, 0 pending reassignments', ''].join('\n') +
        '\n' +
        transitions.map((t) => `${t}\n`).join('') +
        [secondHeader, secondUnhealthy, '4 peers: 3 eligible, 1 unhealthy, 1 pending reassignments', ''].join('\n'),
    );
  });

  it('prints no transition lines when nothing changed', async () => {
    const server = await serve(() => json(first));
    const result = await run(['watch', '--url', server.url, '--count', '3', '--interval', '1']);
    expect(result.out).toBe(`${firstTable}\n${firstTable}\n${firstTable}`);
    expect(result.sleeps).toEqual([1000, 1000]);
  });

  it('reports a failed refresh, keeps watching and compares with the last good refresh', async () => {
    const server = await serve((i) => (i === 1 ? { status: 503, contentType: 'text/plain', body: 'restarting' } : json(i === 0 ? first : second)));
    const result = await run(['watch', '--url', server.url, '--count', '3']);
    expect(result.code).toBe(0);
    expect(result.err).toBe(`${server.url}${PATH} did not answer with a lease-health document (HTTP 503): text/plain body "restarting"\n`);
    expect(result.out).toBe(`${firstTable}\n\n${transitions.map((t) => `${t}\n`).join('')}${secondTable}`);
  });

  it('exits with the code of the last refresh', async () => {
    const url = await closedPortUrl();
    const result = await run(['watch', '--url', url, '--count', '2']);
    expect(result.code).toBe(2);
    expect(result.err.split('\n').filter((line) => line.startsWith(`cannot reach ${url}${PATH}: `))).toHaveLength(2);
  });

  it('stops when the signal aborts', async () => {
    const server = await serve(() => json(first));
    const controller = new AbortController();
    const result = await run(['watch', '--url', server.url], {
      signal: controller.signal,
      onSleep: (n) => {
        if (n === 2) controller.abort();
      },
    });
    expect(result.code).toBe(0);
    expect(result.err).toBe('');
    expect(result.sleeps).toHaveLength(2);
    expect(result.out).toBe(`${firstTable}\n${firstTable}`);
  });
});

describe('parseLeaseHealthDocument', () => {
  it('accepts the served document and keeps fields it does not know', () => {
    const text =
      '{"peers":[{"peerId":"worker-1","lastHeartbeat":"2026-11-24T09:30:01.25+00:00","lastDisconnect":"2026-11-24T09:30:00.1+00:00",' +
      '"isHealthy":true,"activeAssignments":1,"pendingReassignments":0,"activeLeases":[{"sequenceId":1,"attempt":1,' +
      '"leaseId":"00000000-0000-4000-8000-000000000001"}],"metadata":{"pending.count":"4","mesh.role":"worker"},"extra":1}],' +
      '"summary":{"eligiblePeers":1,"unhealthyPeers":0,"pendingReassignments":0}}';
    expect(parseLeaseHealthDocument(text)).toEqual(JSON.parse(text));
  });

  it.each([
    ['empty text', '', /^not JSON \(/],
    ['an array', '[]', /^the document is an array, not an object$/],
    ['no peers', '{"summary":{}}', /^peers is missing, not an array$/],
    ['a heartbeat that is no date', JSON.stringify({ peers: [peer('a', { lastHeartbeat: 'yesterday' })], summary: SAMPLE.summary }), /^peers\[0\]\.lastHeartbeat is "yesterday", not a date like /],
    ['February 30', JSON.stringify({ peers: [peer('a', { lastHeartbeat: '2026-02-30T00:00:00+00:00' })], summary: SAMPLE.summary }), /^peers\[0\]\.lastHeartbeat is /],
    ['a negative count', JSON.stringify({ peers: [peer('a', { pendingReassignments: -1 })], summary: SAMPLE.summary }), /^peers\[0\]\.pendingReassignments is -1, not a non-negative integer$/],
    ['a lease without leaseId', JSON.stringify({ peers: [peer('a', { activeLeases: [{ sequenceId: 1, attempt: 1 }] })], summary: SAMPLE.summary }), /^peers\[0\]\.activeLeases\[0\]\.leaseId is missing, not a string$/],
    ['a metadata value that is no string', JSON.stringify({ peers: [peer('a', { metadata: { k: 1 } })], summary: SAMPLE.summary }), /^peers\[0\]\.metadata\["k"\] is 1, not a string$/],
    ['a peerId twice', JSON.stringify({ peers: [peer('a'), peer('a')], summary: SAMPLE.summary }), /^peers\[1\]\.peerId "a" appears twice$/],
    ['no summary', JSON.stringify({ peers: [] }), /^summary is missing, not an object$/],
    ['a summary without pendingReassignments', JSON.stringify({ peers: [], summary: { eligiblePeers: 0, unhealthyPeers: 0 } }), /^summary\.pendingReassignments is missing/],
  ])('rejects %s', (_label, text, message) => {
    expect(() => parseLeaseHealthDocument(text)).toThrow(message);
  });
});

const BIN = resolve(__dirname, '../../libs/peer-health/dist/cli/omnirelay-peers.js');

interface Child {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly out: string;
  readonly err: string;
}

/** Runs the compiled bin; `onOut` sees stdout as it arrives and may signal the child. */
function spawnBin(args: string[], env: Record<string, string>, onOut?: (out: string, kill: (s: NodeJS.Signals) => void) => void): Promise<Child> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? '', ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      onOut?.(out, (s) => child.kill(s));
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code, signal) => done({ code, signal, out, err }));
  });
}

describe('the omnirelay-peers bin', () => {
  const neverDocument = {
    peers: [peer('worker-2', { lastHeartbeat: NEVER }), peer('worker-1', { lastHeartbeat: NEVER, isHealthy: false })],
    summary: { eligiblePeers: 1, unhealthyPeers: 1, pendingReassignments: 0 },
  };
  const neverTable = [
    'PEER      STATUS     LEASES  PENDING  LAST HEARTBEAT  DISCONNECT  ROLE/REGION',
    'worker-1  UNHEALTHY       0        0  never           -           -',
    'worker-2  healthy         0        0  never           -           -',
    '2 peers: 1 eligible, 1 unhealthy, 0 pending reassignments',
    '',
  ].join('\n');

  it('starts with a node shebang', () => {
    expect(readFileSync(BIN, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
  });

  it('takes the URL from OMNIRELAY_URL, lets --url override it, and sets the exit code', async () => {
    const server = await serve(() => json(neverDocument));
    expect(await spawnBin([], { OMNIRELAY_URL: server.url })).toEqual({ code: 0, signal: null, out: neverTable, err: '' });
    expect(await spawnBin(['show', 'worker-9', '--url', server.url], { OMNIRELAY_URL: 'http://127.0.0.1:1' })).toEqual({
      code: 1,
      signal: null,
      out: '',
      err: `peer worker-9 not found at ${server.url}\n`,
    });
    expect((await spawnBin(['frob'], {})).code).toBe(64);
  }, 15_000);

  it('ends watch with exit code 0 on the first Ctrl-C, without waiting out the interval', async () => {
    const server = await serve(() => json(neverDocument));
    const started = performance.now();
    const child = await spawnBin(['watch', '--interval', '60'], { OMNIRELAY_URL: server.url }, (out, kill) => {
      if (out === neverTable) kill('SIGINT');
    });
    expect(child).toEqual({ code: 0, signal: null, out: neverTable, err: '' });
    expect(performance.now() - started).toBeLessThan(10_000);
  }, 15_000);
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
