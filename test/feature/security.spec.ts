import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { executablePath, startExecutable, type RunningHost } from '../support/executable-process';
import { httpsRequest } from '../support/https-json';
import { pollUntil } from '../support/poll';
import { createThrowawayCa, type ThrowawayCa } from '../support/throwaway-ca';

/**
 * Attacks on the control plane replayed against real processes (the single executable). One describe
 * per attack; each says what the attacker does and asserts it is refused, and the last one checks
 * that the work the attacks aimed at was neither lost nor completed twice.
 */

const exec = promisify(execFile);

/** Fast timings; a worker keeps each item for WORK_MS, long enough to be attacked while it holds it. */
const TIMING = { GOSSIP_INTERVAL_MS: 200, SUSPICION_TIMEOUT_MS: 1000, HEARTBEAT_GRACE_MS: 3000, LEASE_DURATION_MS: 2000, WORKER_HEARTBEAT_MS: 300, WORK_MS: 4000 };
const env = {
  ...Object.fromEntries(Object.entries(TIMING).map(([k, v]) => [k, String(v)])),
  // With a tokens file gossip must be signed: it carries no bearer token (docs/security.md).
  OMNIRELAY_GOSSIP_KEY: randomBytes(32).toString('base64'),
};
const REQUEST_TIMEOUT_MS = 2000;

const TOKENS = {
  admin: 'admin-token-4f1c2e9a7b3d5e6f-0123456789abcdef',
  reader: 'reader-token-9a8b7c6d5e4f3a2b-0123456789abcdef',
  dispatcher: 'node-token-dispatcher-1a2b3c4d-0123456789abcdef',
  worker1: 'worker-token-worker-1-5e6f7a8b-0123456789abcdef',
  attacker: 'worker-token-mallory-0c1d2e3f-0123456789abcdef',
};

const folder = mkdtempSync(join(tmpdir(), 'omnirelay-security-'));
const tokensFile = join(folder, 'tokens.json');
writeFileSync(
  tokensFile,
  JSON.stringify({
    tokens: [
      { token: TOKENS.admin, role: 'admin' },
      { token: TOKENS.reader, role: 'reader' },
      { token: TOKENS.dispatcher, role: 'node', subject: 'dispatcher-1' },
      { token: TOKENS.worker1, role: 'worker', subject: 'worker-1' },
      { token: TOKENS.attacker, role: 'worker', subject: 'mallory' },
    ],
  }),
  // Only the owner may read a tokens file: the host warns about anything else.
  { mode: 0o600 },
);

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

async function call(base: string, method: string, path: string, token: string | undefined, body?: unknown): Promise<Answer> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    signal: AbortSignal.timeout(5000),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

const readyWithReader = async (url: string) => (await call(url, 'GET', '/omnirelay/control/lease-health', TOKENS.reader)).status === 200;

interface Peer {
  peerId: string;
  activeLeases: Array<{ sequenceId: number; attempt: number; leaseId: string }>;
}

const hosts: RunningHost[] = [];
let dispatcher: RunningHost;
const enqueued: number[] = [];

async function start(args: string[], ready = readyWithReader, extraEnv: Record<string, string> = {}): Promise<RunningHost> {
  const host = await startExecutable({ args: ['--auth-tokens-file', tokensFile, ...args], env: { ...env, ...extraEnv }, ready });
  hosts.push(host);
  return host;
}

async function enqueue(n: number): Promise<number> {
  const answer = await call(dispatcher.url, 'POST', '/control/work', TOKENS.admin, { resourceType: 'job', resourceId: `job-${n}`, payload: { n } });
  expect(answer.status).toBe(201);
  const id = Number(answer.body['sequenceId']);
  enqueued.push(id);
  return id;
}

/** The lease worker-1 holds right now, as anyone with a reader token sees it on lease-health. */
async function leaseOfWorker1(): Promise<{ sequenceId: number; attempt: number; leaseId: string }> {
  const { value } = await pollUntil(
    'worker-1 to hold a lease',
    async () => {
      const health = await call(dispatcher.url, 'GET', '/omnirelay/control/lease-health', TOKENS.reader);
      const peers = health.body['peers'] as Peer[];
      return peers.find((p) => p.peerId === 'worker-1')?.activeLeases[0];
    },
    15_000,
    20,
  );
  return value;
}

beforeAll(async () => {
  dispatcher = await start([
    '--role', 'dispatcher', '--node-id', 'dispatcher-1', '--produce-interval-ms', '0',
    '--auth-token', TOKENS.dispatcher, '--request-timeout-ms', String(REQUEST_TIMEOUT_MS),
  ]);
  await start(['--role', 'worker', '--node-id', 'worker-1', '--seeds', dispatcher.url, '--dispatcher-url', dispatcher.url, '--auth-token', TOKENS.worker1]);
}, 60_000);

afterAll(async () => {
  await Promise.all(hosts.map((host) => host.stop().catch(() => undefined)));
  rmSync(folder, { recursive: true, force: true });
});

describe('hijack: completing or heart-beating another worker\'s lease', () => {
  it('is refused with 403, whatever workerId the attacker claims', async () => {
    await enqueue(1);
    const lease = await leaseOfWorker1();
    const reference = { workerId: 'worker-1', sequenceId: lease.sequenceId, attempt: lease.attempt };
    for (const action of ['complete', 'heartbeat', 'fail']) {
      const asVictim = await call(dispatcher.url, 'POST', `/control/leases/${lease.leaseId}/${action}`, TOKENS.attacker, reference);
      expect({ action, status: asVictim.status, error: asVictim.body['error'] }).toEqual({ action, status: 403, error: 'forbidden' });
      const asItself = await call(dispatcher.url, 'POST', `/control/leases/${lease.leaseId}/${action}`, TOKENS.attacker, { ...reference, workerId: 'mallory' });
      expect({ action, status: asItself.status }).toEqual({ action, status: 403 });
    }
  }, 30_000);
});

describe('drain: completing queued items without a token', () => {
  it('is refused with 401 and a JSON error, as is every other control call without a valid token', async () => {
    await enqueue(2);
    const lease = await leaseOfWorker1();
    const reference = { workerId: 'worker-1', sequenceId: lease.sequenceId, attempt: lease.attempt };
    const calls: Array<[string, string, unknown]> = [
      ['POST', `/control/leases/${lease.leaseId}/complete`, reference],
      ['POST', '/control/leases', { workerId: 'worker-1' }],
      ['POST', '/control/work', { resourceType: 'job', resourceId: 'forged' }],
      ['POST', '/control/gossip', { from: 'x', members: [] }],
      ['GET', '/control/work', undefined],
      ['GET', '/omnirelay/control/lease-health', undefined],
      ['GET', '/metrics', undefined],
    ];
    for (const [method, path, body] of calls) {
      for (const token of [undefined, 'not-a-known-token-at-all']) {
        const answer = await call(dispatcher.url, method, path, token, body);
        expect({ method, path, status: answer.status, hasError: typeof answer.body['error'] === 'string' }).toEqual({ method, path, status: 401, hasError: true });
      }
    }
  }, 30_000);
});

describe('impersonated lease: leasing as another worker', () => {
  it('is refused with 403 and does not touch the real worker', async () => {
    const before = await call(dispatcher.url, 'GET', '/control/work', TOKENS.reader);
    const answer = await call(dispatcher.url, 'POST', '/control/leases', TOKENS.attacker, { workerId: 'worker-1' });
    expect(answer.status).toBe(403);
    const idle = await call(dispatcher.url, 'POST', '/control/workers/worker-1/heartbeat', TOKENS.attacker, {});
    expect(idle.status).toBe(403);
    const after = await call(dispatcher.url, 'GET', '/control/work', TOKENS.reader);
    expect(after.body['expired']).toBe(before.body['expired']);
  });
});

describe('deep payload: a work item nested 5,000 deep', () => {
  it('is refused at POST /control/work with 400, before it is stored', async () => {
    const before = await call(dispatcher.url, 'GET', '/control/work', TOKENS.reader);
    const deep = `{"resourceType":"job","resourceId":"deep","payload":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    const answer = await call(dispatcher.url, 'POST', '/control/work', TOKENS.admin, deep);
    expect(answer).toMatchObject({ status: 400, body: { error: 'payload-too-deep' } });
    const after = await call(dispatcher.url, 'GET', '/control/work', TOKENS.reader);
    expect(after.body['total']).toBe(before.body['total']);
  });
});

describe('oversized payload: a work item of 70 KiB', () => {
  it('is refused at POST /control/work with 413', async () => {
    const answer = await call(dispatcher.url, 'POST', '/control/work', TOKENS.admin, { resourceType: 'job', resourceId: 'big', payload: 'x'.repeat(70 * 1024) });
    expect(answer).toMatchObject({ status: 413, body: { error: 'payload-too-large' } });
  });
});

describe('slow body: one byte at a time', () => {
  it('has its connection cut by the request timeout before the body is complete', async () => {
    const { port, hostname } = new URL(dispatcher.url);
    const socket = connect(Number(port), hostname);
    const declared = 10_000;
    let sent = 0;
    let received = '';
    let closed = false;
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => (closed = true));
    socket.write(
      `POST /control/work HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: Bearer ${TOKENS.admin}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${declared}\r\n\r\n{`,
    );
    const drip = setInterval(() => {
      if (!socket.destroyed && sent < declared) {
        socket.write(' ');
        sent++;
      }
    }, 250);
    try {
      await pollUntil('the server to close the slow connection', () => Promise.resolve(closed ? true : undefined), REQUEST_TIMEOUT_MS + 15_000, 100);
    } finally {
      clearInterval(drip);
      socket.destroy();
    }
    expect(sent).toBeLessThan(declared);
    if (received !== '') expect(received).toMatch(/^HTTP\/1\.1 408/);
  }, 40_000);
});

describe('queue cap: flooding POST /control/work', () => {
  it('answers 429 with a JSON error once the cap is reached, and keeps what it accepted', async () => {
    const capped = await start(['--role', 'dispatcher', '--node-id', 'dispatcher-capped', '--produce-interval-ms', '0', '--max-queued-items', '3']);
    const statuses: number[] = [];
    for (let n = 0; n < 5; n++) {
      const answer = await call(capped.url, 'POST', '/control/work', TOKENS.admin, { resourceType: 'job', resourceId: `flood-${n}` });
      statuses.push(answer.status);
      if (answer.status === 429) expect(answer.body['error']).toBe('queue-full');
    }
    expect(statuses).toEqual([201, 201, 201, 429, 429]);
    expect((await call(capped.url, 'GET', '/control/work', TOKENS.reader)).body).toMatchObject({ total: 3, pending: 3 });
  }, 30_000);
});

describe('connection flood: more connections than --max-connections', () => {
  it('closes the connections over the cap and keeps serving the ones it accepted', async () => {
    const capped = await start(['--role', 'control-plane', '--node-id', 'cp-capped', '--max-connections', '3']);
    const { port, hostname } = new URL(capped.url);
    const open = (): Promise<{ closed: () => boolean; socket: ReturnType<typeof connect> }> =>
      new Promise((resolve, reject) => {
        let closed = false;
        const socket = connect(Number(port), hostname, () => resolve({ closed: () => closed, socket }));
        socket.on('close', () => (closed = true));
        socket.on('error', () => undefined);
        socket.once('error', reject);
      });
    // The host's own probe may still hold a keep-alive socket: fill the cap with three of ours.
    const sockets = [await open(), await open(), await open(), await open()];
    try {
      await pollUntil('a connection over the cap to be closed', () => Promise.resolve(sockets.some((s) => s.closed()) ? true : undefined), 10_000);
      const survivors = sockets.filter((s) => !s.closed());
      expect(survivors.length).toBeGreaterThanOrEqual(2);
      // Every accepted connection asks; the host's own probe may still evict one idle tokenless
      // connection meanwhile (by design), so the first answer is awaited, and one must come.
      const answer = await new Promise<string>((resolve, reject) => {
        let open = survivors.length;
        for (const survivor of survivors) {
          let text = '';
          survivor.socket.on('data', (chunk: Buffer) => {
            text += chunk.toString('latin1');
            if (text.includes('\r\n\r\n')) resolve(text);
          });
          survivor.socket.on('close', () => {
            if (--open === 0) reject(new Error('every accepted connection was closed before it answered'));
          });
          survivor.socket.write(`GET /control/peers HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: Bearer ${TOKENS.reader}\r\n\r\n`);
        }
      });
      expect(answer).toMatch(/^HTTP\/1\.1 200/);
    } finally {
      for (const { socket } of sockets) socket.destroy();
    }
  }, 30_000);
});

describe('protected mode: listening on a public address without tokens', () => {
  it('exits 64 and says how to configure tokens', async () => {
    const failure = (await exec(executablePath(), ['--host', '0.0.0.0', '--port', '0'], { timeout: 20_000 }).catch((error: unknown) => error)) as {
      code?: number;
      stderr?: string;
    };
    expect(failure.code).toBe(64);
    expect(failure.stderr).toContain('--auth-tokens-file');
    expect(failure.stderr).not.toMatch(/\n\s+at /);
  }, 30_000);

  it.each([
    ['--lease-duration-ms', '0'],
    ['--lease-duration-ms', String(2 ** 31)],
    ['--gossip-interval-ms', '0'],
    ['--suspicion-timeout-ms', '0'],
    ['--grace-ms', '0'],
  ])('%s %s exits 64 with a usage message, not a stack trace', async (flag, value) => {
    const failure = (await exec(executablePath(), [flag, value], { timeout: 20_000 }).catch((error: unknown) => error)) as { code?: number; stderr?: string };
    expect(failure.code).toBe(64);
    expect(failure.stderr).toContain(flag);
    expect(failure.stderr).toContain('Usage:');
    expect(failure.stderr).not.toMatch(/\n\s+at /);
  }, 30_000);
});

describe('TLS: HTTPS with mutual TLS between a dispatcher and a worker', () => {
  let ca: ThrowawayCa;
  beforeAll(() => {
    ca = createThrowawayCa();
  });
  afterAll(() => ca.remove());

  it('flows work over HTTPS with client certificates, and refuses clients without one', async () => {
    const dispatcherCert = ca.issue('dispatcher-tls');
    const workerCert = ca.issue('worker-tls');
    const client = { ca: ca.ca, cert: dispatcherCert.cert, key: dispatcherCert.key };
    const readyOverTls = async (url: string) =>
      (await httpsRequest(`${url}/omnirelay/control/lease-health`, client, { headers: { authorization: `Bearer ${TOKENS.reader}` } })).status === 200;
    const tlsArgs = (cert: { certPath: string; keyPath: string }) => ['--tls-cert', cert.certPath, '--tls-key', cert.keyPath, '--tls-ca', ca.caPath, '--tls-client-auth'];

    const secure = await start(
      ['--role', 'dispatcher', '--node-id', 'dispatcher-tls', '--produce-interval-ms', '0', '--auth-token', TOKENS.dispatcher, ...tlsArgs(dispatcherCert)],
      readyOverTls,
    );
    expect(secure.url).toMatch(/^https:\/\//);
    await start(
      ['--role', 'worker', '--node-id', 'worker-1', '--seeds', secure.url, '--dispatcher-url', secure.url, '--auth-token', TOKENS.worker1, ...tlsArgs(workerCert)],
      readyOverTls,
      { WORK_MS: '200' },
    );

    const admin = { authorization: `Bearer ${TOKENS.admin}`, 'content-type': 'application/json' };
    for (let n = 0; n < 3; n++) {
      const answer = await httpsRequest(`${secure.url}/control/work`, client, { method: 'POST', headers: admin, body: JSON.stringify({ resourceType: 'job', resourceId: `tls-${n}` }) });
      expect(answer.status).toBe(201);
    }
    await pollUntil(
      'the worker to complete the three items over mutual TLS',
      async () => {
        const stats = JSON.parse((await httpsRequest(`${secure.url}/control/work`, client, { headers: admin })).body) as { completed: number };
        return stats.completed === 3 ? true : undefined;
      },
      20_000,
    );
    const peers = JSON.parse((await httpsRequest(`${secure.url}/control/peers`, client, { headers: admin })).body) as { members: Array<{ nodeId: string; url: string }> };
    expect(peers.members.find((m) => m.nodeId === 'worker-1')?.url).toMatch(/^https:\/\//);

    // Without a client certificate the handshake fails; plain HTTP gets no answer either.
    await expect(httpsRequest(`${secure.url}/control/work`, { ca: ca.ca }, { headers: admin })).rejects.toThrow();
    await expect(fetch(secure.url.replace('https:', 'http:') + '/control/work', { signal: AbortSignal.timeout(5000) })).rejects.toThrow();
  }, 60_000);
});

describe('afterwards', () => {
  it('every item the attacks aimed at was completed once, by its own worker, and none was lost', async () => {
    const { value: stats } = await pollUntil(
      'the dispatcher to finish every item',
      async () => {
        const answer = await call(dispatcher.url, 'GET', '/control/work', TOKENS.reader);
        return answer.body['completed'] === enqueued.length ? answer.body : undefined;
      },
      TIMING.WORK_MS * enqueued.length + 15_000,
      100,
    );
    expect(stats).toMatchObject({ total: enqueued.length, pending: 0, leased: 0, deadLettered: 0, requeued: 0, expired: 0 });
    for (const id of enqueued) {
      const item = await call(dispatcher.url, 'GET', `/control/work/${id}`, TOKENS.reader);
      expect(item.body).toMatchObject({ state: 'completed', completedBy: 'worker-1', attempt: 1, holders: ['worker-1'] });
    }
  }, 60_000);
});
