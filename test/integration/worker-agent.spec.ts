import { createServer, type Server } from 'node:http';
import { PeerHealthModule } from '@omnirelay/peer-health';
import {
  HttpAnswerTooLargeError,
  JsonHttpClient,
  ResourceLeaseModule,
  ResourceLeaseQueue,
  WorkerAgentService,
  type HttpAnswer,
  type WorkApiTransport,
} from '@omnirelay/resource-lease';
import { startHttpApp, type RunningApp } from '../support/http-app';

// The worker client of the work API (resource-lease's client/): against a real dispatcher it leases
// an item, heartbeats it, and completes it once its work time has passed.

/** Resolves once `condition` holds, checking every 20 ms; fails after `limitMs` (a bound, not a timing). */
async function until(condition: () => Promise<boolean>, limitMs = 10_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Answers the first call whose path matches as a dispatcher whose store is away would (503), or passes
 * it on and then loses the answer (throws), and every other call as the dispatcher does.
 */
class FlakyTransport implements WorkApiTransport {
  readonly paths: string[] = [];
  private failed = false;
  constructor(
    private readonly base: string,
    private readonly inner: WorkApiTransport,
    private readonly fails: RegExp,
    private readonly how: 'unavailable' | 'answer-lost',
  ) {}
  async post(url: string, body: string, timeoutMs: number): Promise<HttpAnswer> {
    const path = url.slice(this.base.length);
    this.paths.push(path);
    if (this.failed || !this.fails.test(path)) return this.inner.post(url, body, timeoutMs);
    this.failed = true;
    if (this.how === 'unavailable') return { status: 503, body: '{"statusCode":503,"error":"store-unavailable"}' };
    await this.inner.post(url, body, timeoutMs);
    throw new Error('connection reset before the answer');
  }
}

/** Records the path of every call, then passes it on. */
class RecordingTransport implements WorkApiTransport {
  readonly paths: string[] = [];
  constructor(
    private readonly base: string,
    private readonly inner: WorkApiTransport,
  ) {}
  post(url: string, body: string, timeoutMs: number): Promise<HttpAnswer> {
    this.paths.push(url.slice(this.base.length));
    return this.inner.post(url, body, timeoutMs);
  }
}

describe('the worker agent', () => {
  let running: RunningApp;
  let client: JsonHttpClient;
  let agent: WorkerAgentService | undefined;

  beforeEach(async () => {
    running = await startHttpApp({
      imports: [PeerHealthModule.forRoot({ heartbeatGracePeriodMs: 60_000 }), ResourceLeaseModule.forRoot({ leaseDurationMs: 60_000 })],
    });
    client = new JsonHttpClient();
  });

  afterEach(async () => {
    agent?.onApplicationShutdown();
    client.close();
    await running.close();
  });

  it('leases an item, heartbeats it and completes it as its worker', async () => {
    const queue = running.app.get(ResourceLeaseQueue);
    const sequenceId = await queue.enqueue({ resourceType: 'catalog', resourceId: 'sku-1' });
    const transport = new RecordingTransport(running.url, client);
    agent = new WorkerAgentService({ workerId: 'worker/1', dispatcherUrl: running.url, heartbeatIntervalMs: 50, workMs: 200, client: transport });
    agent.start();

    await until(async () => (await queue.item(sequenceId)).state === 'completed');
    const item = await queue.item(sequenceId);
    expect(item.completedBy).toBe('worker/1');
    expect((await queue.stats()).completed).toBe(1);
    // An idle heartbeat (the worker id encoded into the path), the lease, its heartbeat, its completion.
    expect(transport.paths).toContain('/control/workers/worker%2F1/heartbeat');
    expect(transport.paths).toContain('/control/leases');
    expect(transport.paths.some((path) => /^\/control\/leases\/[0-9a-f-]{36}\/heartbeat$/.test(path))).toBe(true);
    expect(transport.paths.some((path) => /^\/control\/leases\/[0-9a-f-]{36}\/complete$/.test(path))).toBe(true);
  });

  it.each([
    ['a heartbeat answered 503', /\/leases\/[0-9a-f-]{36}\/heartbeat$/, 'unavailable'],
    ['a completion answered 503', /\/leases\/[0-9a-f-]{36}\/complete$/, 'unavailable'],
    ['a completion that committed but lost its answer', /\/leases\/[0-9a-f-]{36}\/complete$/, 'answer-lost'],
  ] as const)('keeps its lease through %s and completes that item, once', async (_, fails, how) => {
    const queue = running.app.get(ResourceLeaseQueue);
    const first = await queue.enqueue({ resourceType: 'catalog', resourceId: 'sku-1' });
    const second = await queue.enqueue({ resourceType: 'catalog', resourceId: 'sku-2' });
    const transport = new FlakyTransport(running.url, client, fails, how);
    agent = new WorkerAgentService({ workerId: 'worker/1', dispatcherUrl: running.url, heartbeatIntervalMs: 50, workMs: 200, client: transport });
    agent.start();

    // Leases last 60 s here: an item whose lease the agent dropped would not be done within the bound.
    await until(async () => (await queue.stats()).completed === 2);
    for (const sequenceId of [first, second]) expect(await queue.item(sequenceId)).toMatchObject({ state: 'completed', completedBy: 'worker/1', attempt: 1 });
    const completions = transport.paths.filter((path) => /\/complete$/.test(path));
    expect(completions).toHaveLength(how === 'unavailable' && fails.source.includes('heartbeat') ? 2 : 3);
    expect(await queue.stats()).toMatchObject({ completed: 2, leased: 0, pending: 0, requeued: 0, expired: 0 });
  }, 15_000);
});

describe('the JSON HTTP client', () => {
  let server: Server;
  let url: string;

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        const long = request.url === '/long';
        response.writeHead(long ? 200 : 201, { 'content-type': 'application/json' });
        response.end(long ? 'x'.repeat(4096) : JSON.stringify({ body, authorization: request.headers.authorization ?? null }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('server has no TCP address');
    url = `http://127.0.0.1:${address.port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('posts the JSON text with the bearer token and answers the status and the body', async () => {
    const client = new JsonHttpClient({ authToken: 'worker-token' });
    try {
      const answer = await client.post(`${url}/echo`, '{"a":1}', 5_000);
      expect(answer.status).toBe(201);
      expect(JSON.parse(answer.body)).toEqual({ body: '{"a":1}', authorization: 'Bearer worker-token' });
    } finally {
      client.close();
    }
  });

  it('fails an answer longer than its limit', async () => {
    const client = new JsonHttpClient({ maxResponseBytes: 1024 });
    try {
      await expect(client.post(`${url}/long`, '{}', 5_000)).rejects.toBeInstanceOf(HttpAnswerTooLargeError);
    } finally {
      client.close();
    }
  });
});
