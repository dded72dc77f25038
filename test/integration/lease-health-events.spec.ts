import { connect } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import {
  LeaseHealthEventHub,
  ManualClock,
  PeerHealthModule,
  PeerLeaseHealthTracker,
  type PeerHealthEventStreamOptions,
} from '@omnirelay/peer-health';
import { Registry } from 'prom-client';
import { HTTP_PLATFORMS, startPlatformApp, type RunningApp } from '../support/http-app';
import { pollUntil } from '../support/poll';
import { openSse, type SseConnection } from '../support/sse-client';

const EVENTS = '/omnirelay/control/lease-health/events';
const T0 = Date.UTC(2026, 10, 24, 9, 30);
const UNKNOWN_LEASE = { sequenceId: 9, attempt: 1, leaseId: '00000000-0000-4000-8000-000000000009' };

describe.each(HTTP_PLATFORMS)('GET %s lease-health/events', (platform) => {
  let running: RunningApp<INestApplication> | undefined;
  const connections: SseConnection[] = [];

  const start = async (events?: PeerHealthEventStreamOptions, registry?: Registry): Promise<PeerLeaseHealthTracker> => {
    running = await startPlatformApp(platform, {
      imports: [
        PeerHealthModule.forRoot({
          clock: new ManualClock(T0),
          events,
          telemetry: registry ? { enabled: true, registry } : { enabled: false },
        }),
      ],
    });
    return running.app.get(PeerLeaseHealthTracker);
  };
  const watch = async (headers?: Record<string, string>): Promise<SseConnection> => {
    const connection = await openSse(`${running?.url ?? ''}${EVENTS}`, headers);
    connections.push(connection);
    // Connected once the greeting's comment has arrived (headers and first bytes are flushed).
    await pollUntil('the greeting', () => Promise.resolve(connection.comments.length > 0 ? true : undefined), 5000, 10);
    return connection;
  };

  afterEach(async () => {
    for (const connection of connections.splice(0)) connection.close();
    await running?.close();
    running = undefined;
  });

  it('streams transitions, anomalies and leadership changes with increasing ids', async () => {
    const tracker = await start();
    const stream = await watch();
    expect(stream.response.statusCode).toBe(200);
    expect(stream.response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    tracker.recordLeaseHeartbeat('worker-1');
    tracker.recordDisconnect('worker-1', 'crash');
    tracker.recordLeaseReleased('worker-1', UNKNOWN_LEASE, false);
    tracker.publishLeadership({ scope: 'global', leaderId: 'cp-1', term: 7 });
    tracker.publishLeadership({ scope: 'global', leaderId: 'cp-1', term: 7 });
    tracker.recordLeaseHeartbeat('worker-1');

    const back = await stream.next('the recovery', (e) => e.event === 'transition' && e.data.includes('"to":"healthy"'));
    const received = stream.events.filter((e) => e.event !== 'reset');
    expect(received.map((e) => e.event)).toEqual(['transition', 'anomaly', 'leadership', 'transition']);
    expect(JSON.parse(received[0]?.data ?? '')).toEqual({
      peerId: 'worker-1',
      from: 'healthy',
      to: 'unhealthy',
      reason: 'disconnect',
      at: '2026-11-24T09:30:00+00:00',
    });
    expect(JSON.parse(received[1]?.data ?? '')).toEqual({ kind: 'unknown-lease-release', count: 1, at: '2026-11-24T09:30:00+00:00' });
    expect(JSON.parse(received[2]?.data ?? '')).toEqual({ scope: 'global', leaderId: 'cp-1', term: 7, at: '2026-11-24T09:30:00+00:00' });
    expect(JSON.parse(back.data)).toMatchObject({ from: 'unhealthy', to: 'healthy', reason: 'heartbeat' });
    const ids = received.map((e) => Number(e.id));
    expect(ids).toEqual([1, 2, 3, 4]);
  });

  it('resumes after Last-Event-ID from the ring, and sends reset naming why when the id is too old, malformed or ahead', async () => {
    const tracker = await start({ replayEvents: 4 });
    const first = await watch();
    for (let i = 0; i < 3; i++) tracker.recordDisconnect(`worker-${i}`);
    await first.next('event 3', (e) => e.id === '3');
    first.close();
    tracker.recordDisconnect('worker-3');
    tracker.recordDisconnect('worker-4');

    const resumed = await watch({ 'last-event-id': '3' });
    await resumed.next('event 5', (e) => e.id === '5');
    expect(resumed.events.map((e) => e.id)).toEqual(['4', '5']);

    for (let i = 5; i < 12; i++) tracker.recordDisconnect(`worker-${i}`);
    await resumed.next('event 12', (e) => e.id === '12');
    const tooOld = await watch({ 'last-event-id': '3' });
    const reset = await tooOld.next('a reset', (e) => e.event === 'reset');
    expect(reset.id).toBe('12');
    expect(JSON.parse(reset.data)).toEqual({ reason: 'last-event-id-too-old', lastEventId: 12 });
    const garbage = await watch({ 'last-event-id': 'not-a-number' });
    const malformed = await garbage.next('a reset', (e) => e.event === 'reset');
    expect(JSON.parse(malformed.data)).toEqual({ reason: 'last-event-id-malformed', lastEventId: 12 });
    // An id this stream never sent (a client of the process before a restart): not "too old".
    const future = await watch({ 'last-event-id': '999' });
    const ahead = await future.next('a reset', (e) => e.event === 'reset');
    expect(JSON.parse(ahead.data)).toEqual({ reason: 'last-event-id-ahead', lastEventId: 12 });
  });

  it('sends keep-alive comments while idle', async () => {
    await start({ keepAliveMs: 20 });
    const stream = await watch();
    await pollUntil('two keep-alives', () => Promise.resolve(stream.comments.filter((c) => c === 'keep-alive').length >= 2 ? true : undefined), 5000, 10);
  });

  it('counts connected watchers in omnirelay_peer_health_watchers', async () => {
    const registry = new Registry();
    await start(undefined, registry);
    const gauge = async (): Promise<string> => registry.getSingleMetricAsString('omnirelay_peer_health_watchers');
    const one = await watch();
    await watch();
    expect(await gauge()).toMatch(/^omnirelay_peer_health_watchers 2$/m);
    one.close();
    await pollUntil('one watcher left', async () => ((await gauge()).match(/^omnirelay_peer_health_watchers 1$/m) ? true : undefined), 5000, 10);
  });

  it('drops a watcher that stops reading, while the others keep receiving and ingest goes on', async () => {
    const tracker = await start({ maxUnreadBytes: 64 * 1024 });
    const hub = running?.app.get(LeaseHealthEventHub);
    const reader = await watch();
    // A client that sends its request and then never reads a byte.
    const port = Number(new URL(running?.url ?? '').port);
    const stalled = connect(port, '127.0.0.1');
    stalled.on('error', () => undefined);
    stalled.write(`GET ${EVENTS} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n`);
    stalled.pause();
    await pollUntil('two watchers', () => Promise.resolve(hub?.watcherCount === 2 ? true : undefined), 5000, 10);
    // Flap many peers, a batch per turn, until the stalled watcher's unread bytes pass the bound
    // (the kernel's socket buffers take megabytes first).
    let batch = 0;
    await pollUntil(
      'the stalled watcher dropped',
      async () => {
        for (let i = 0; i < 200; i++) {
          const peerId = `peer-${batch}-${i}`;
          tracker.recordLeaseHeartbeat(peerId);
          tracker.recordDisconnect(peerId);
        }
        batch++;
        await new Promise((resolve) => setImmediate(resolve));
        return hub?.watcherCount === 1 ? true : undefined;
      },
      30_000,
      0,
    );
    stalled.destroy();
    tracker.recordLeaseHeartbeat('after-drop');
    tracker.recordDisconnect('after-drop');
    await reader.next('an event after the drop', (e) => e.data.includes('"peerId":"after-drop"'), 20_000);
    expect(tracker.counts().trackedPeers).toBe(batch * 200 + 1);
  }, 60_000);

  it('answers 503 past maxWatchersPerCredential to one credential while others still get a slot', async () => {
    await start({ maxWatchers: 4, maxWatchersPerCredential: 2 });
    const hub = running?.app.get(LeaseHealthEventHub);
    await watch({ authorization: 'Bearer credential-one' });
    await watch({ authorization: 'bearer   credential-one' });
    const third = await fetch(`${running?.url ?? ''}${EVENTS}`, { headers: { authorization: 'Bearer credential-one' } });
    expect(third.status).toBe(503);
    expect(((await third.json()) as { message: string }).message).toMatch(/for this credential \(at most 2\)/);
    await watch({ authorization: 'Bearer credential-two' });
    await watch();
    expect(hub?.watcherCount).toBe(4);
    // A slot of the credential frees when one of its watchers leaves.
    connections[0]?.close();
    await pollUntil('a watcher gone', () => Promise.resolve(hub?.watcherCount === 3 ? true : undefined), 5000, 10);
    await watch({ authorization: 'Bearer credential-one' });
    expect(hub?.watcherCount).toBe(4);
  });

  it('answers 503 JSON past maxWatchers', async () => {
    await start({ maxWatchers: 1 });
    await watch();
    const response = await fetch(`${running?.url ?? ''}${EVENTS}`);
    expect(response.status).toBe(503);
    expect(((await response.json()) as { message: string }).message).toMatch(/Too many/);
  });
});
