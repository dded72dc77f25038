import { get, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import {
  ManualClock,
  PeerHealthModule,
  PeerLeaseHealthDiagnostics,
  PeerLeaseHealthTracker,
  serializeLeaseHealth,
} from '@omnirelay/peer-health';
import { HTTP_PLATFORMS, startPlatformApp, type RunningApp } from '../support/http-app';

const T0 = Date.UTC(2026, 10, 24, 9, 30);
const ROUTE = '/omnirelay/control/lease-health';
// ~10 MB of body: far more than the loopback socket buffers of a reader that does not read, so the
// server is still writing the response while later bodies are rendered.
const PEERS = 30_000;
const peerId = (i: number) => `peer-${String(i).padStart(6, '0')}`;
const lease = (n: number) => ({ sequenceId: n, attempt: 1, leaseId: `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}` });

/** Starts a GET whose body is not read until `readAll` is called. */
function slowGet(url: string): Promise<{ response: IncomingMessage; readAll: () => Promise<string> }> {
  return new Promise((resolve, reject) => {
    const request = get(url, { agent: false }, (response) => {
      response.pause();
      const readAll = () =>
        new Promise<string>((done, failed) => {
          const parts: Buffer[] = [];
          response.on('data', (part: Buffer) => parts.push(part));
          response.on('end', () => done(Buffer.concat(parts).toString('utf8')));
          response.on('error', failed);
          response.resume();
        });
      resolve({ response, readAll });
    });
    request.on('error', reject);
  });
}

/** Polls `check` every 10 ms until it holds, for at most `ms`. */
async function waitFor(check: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe.each(HTTP_PLATFORMS)('tracker body buffers reused on %s', (platform) => {
  let running: RunningApp<INestApplication> | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  it('never overwrites a body a slow reader is still being sent, while later bodies are rendered into reused buffers', async () => {
    const clock = new ManualClock(T0);
    running = await startPlatformApp(platform, { imports: [PeerHealthModule.forRoot({ clock, heartbeatGracePeriodMs: 600_000 })] });
    const tracker = running.app.get(PeerLeaseHealthTracker);
    for (let i = 0; i < PEERS; i++) {
      tracker.recordGossip(peerId(i), { 'mesh.role': 'worker', 'mesh.region': `region-${i % 8}` });
      tracker.recordLeaseAssignment(peerId(i), lease(i + 1), 'catalog', `item-${i}`);
    }
    const expectedOf = () => serializeLeaseHealth(PeerLeaseHealthDiagnostics.fromSnapshots(tracker.snapshot()));
    const server = running.app.getHttpServer() as Server;
    const responses: ServerResponse[] = [];
    server.on('request', (_request, response: ServerResponse) => responses.push(response));

    const firstExpected = expectedOf();
    const slow = await slowGet(`${running.url}${ROUTE}`);
    expect(slow.response.statusCode).toBe(200);
    const slowResponse = responses[0];
    if (!slowResponse) throw new Error('the server saw no request');

    // Every peer changes before each fetch: each body is a full rendering, into buffers the pool
    // hands out again once the previous bodies are released (the third fetch reuses the second's).
    for (let round = 1; round <= 3; round++) {
      clock.advance(1000);
      for (let i = 0; i < PEERS; i++) tracker.recordLeaseHeartbeat(peerId(i), lease(i + 1), round);
      const expected = expectedOf();
      // A connection of its own (as the slow reader's): fetch's pooled connections stalled under Express here.
      const whole = await slowGet(`${running.url}${ROUTE}`);
      expect(whole.response.statusCode).toBe(200);
      expect(await whole.readAll()).toBe(expected);
    }
    // The slow response was still being written while those bodies were rendered: the test covers it.
    expect(slowResponse.writableFinished).toBe(false);

    expect(await slow.readAll()).toBe(firstExpected);
    await waitFor(() => slowResponse.closed, 30_000);
    // 30,000 peers rendered and serialized four times each: minutes on a loaded 2-core machine at worst.
  }, 240_000);
});
