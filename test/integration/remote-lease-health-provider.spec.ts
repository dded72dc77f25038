import { Controller, Get, Header, Injectable, UnauthorizedException, type CanActivate, type INestApplication, type ExecutionContext, type LoggerService } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  FEDERATED_READ_HEADER,
  PARTIAL_ANSWER_HEADER,
  PeerHealthModule,
  PeerLeaseHealthTracker,
  RemoteLeaseHealthProvider,
  type RemoteLeaseHealthProviderOptions,
} from '@omnirelay/peer-health';
import { HTTP_PLATFORMS, startHttpApp, startPlatformApp, type RunningApp } from '../support/http-app';

const PATH = '/omnirelay/control/lease-health';
const TOKEN = 'fleet-reader-token-0123456789';
/** The remote read limit of these tests; the endpoint's provider limit is well above it. */
const REMOTE_TIMEOUT_MS = 2000;
const PROVIDER_TIMEOUT_MS = 10_000;
const LEASE = { sequenceId: 7, attempt: 1, leaseId: '00000000-0000-4000-8000-0000000000a7' };

interface Peer {
  peerId: string;
  isHealthy: boolean;
  activeLeases: Array<{ sequenceId: number; attempt: number; leaseId: string }>;
  metadata: Record<string, string>;
}
interface Body {
  peers: Peer[];
  summary: { eligiblePeers: number; unhealthyPeers: number; pendingReassignments: number };
}

/** What a host saw of the requests made to it. */
interface Seen {
  statuses: number[];
  headers: Array<Record<string, string | string[] | undefined>>;
}

/** Requires `Authorization: Bearer <TOKEN>`, as the demo host's guard does for readers. */
@Injectable()
class BearerGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (context.switchToHttp().getRequest<{ headers: Record<string, unknown> }>().headers.authorization === `Bearer ${TOKEN}`) return true;
    throw new UnauthorizedException();
  }
}

/** Records every request's headers and final status on a Fastify app. */
function watch(app: NestFastifyApplication): Seen {
  const seen: Seen = { statuses: [], headers: [] };
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (request, _reply, done) => {
    seen.headers.push({ ...request.headers });
    done();
  });
  fastify.addHook('onResponse', (_request, reply, done) => {
    seen.statuses.push(reply.statusCode);
    done();
  });
  return seen;
}

/** A host that runs the kit with a tracker, optionally behind the bearer guard. */
async function kitHost(guarded = false): Promise<{ running: RunningApp; tracker: PeerLeaseHealthTracker; seen: Seen }> {
  let seen: Seen = { statuses: [], headers: [] };
  const running = await startHttpApp({ imports: [PeerHealthModule.forRoot(guarded ? { guards: [BearerGuard] } : {})] }, (app) => {
    seen = watch(app);
  });
  return { running, tracker: running.app.get(PeerLeaseHealthTracker), seen };
}

/** A host whose lease-health route misbehaves as told. */
async function badHost(behaviour: () => Promise<string> | string): Promise<RunningApp> {
  @Controller('omnirelay/control')
  class BadLeaseHealthController {
    @Get('lease-health')
    @Header('Content-Type', 'application/json; charset=utf-8')
    answer(): Promise<string> | string {
      return behaviour();
    }
  }
  return startHttpApp({ controllers: [BadLeaseHealthController] });
}

const logLines: string[] = [];
const logger: LoggerService = {
  log: (message: unknown) => logLines.push(String(message)),
  warn: (message: unknown) => logLines.push(String(message)),
  error: (message: unknown) => logLines.push(String(message)),
};

/** A host that federates `options`: its own tracker plus the remote provider. */
async function fleetHost(options: Omit<RemoteLeaseHealthProviderOptions, 'authToken' | 'timeoutMs'> & { authToken?: string }): Promise<{
  running: RunningApp;
  provider: RemoteLeaseHealthProvider;
  seen: Seen;
}> {
  const provider = new RemoteLeaseHealthProvider({ authToken: TOKEN, timeoutMs: REMOTE_TIMEOUT_MS, ...options });
  let seen: Seen = { statuses: [], headers: [] };
  const running = await startHttpApp(
    {
      imports: [PeerHealthModule.forRoot({ providerTimeoutMs: PROVIDER_TIMEOUT_MS, logger })],
      providers: [{ provide: RemoteLeaseHealthProvider, useValue: provider }],
    },
    (app) => {
      seen = watch(app);
    },
  );
  return { running, provider, seen };
}

const started: Array<RunningApp<INestApplication>> = [];
async function track<T extends { running: RunningApp } | RunningApp<INestApplication>>(value: Promise<T>): Promise<T> {
  const resolved = await value;
  started.push('running' in resolved ? resolved.running : resolved);
  return resolved;
}

afterEach(async () => {
  releaseHangingHosts();
  // A test may have closed a host itself already.
  await Promise.all(started.splice(0).map((running) => running.close().catch(() => undefined)));
  logLines.length = 0;
});

let hanging: Array<() => void> = [];
function releaseHangingHosts(): void {
  for (const release of hanging) release();
  hanging = [];
}

async function read(running: { readonly url: string }, headers: Record<string, string> = {}): Promise<{ status: number; partial: string | null; etag: string | null; body: Body }> {
  const response = await fetch(`${running.url}${PATH}`, { headers });
  return {
    status: response.status,
    partial: response.headers.get(PARTIAL_ANSWER_HEADER),
    etag: response.headers.get('etag'),
    body: (await response.json()) as Body,
  };
}

// Each test boots several Nest apps; on a loaded 2-core machine that alone can take seconds.
jest.setTimeout(60_000);

describe('RemoteLeaseHealthProvider against real hosts', () => {
  it('serves a remote host\'s peers and leases merged with its own, reading with the token and the federated-read header', async () => {
    const remote = await track(kitHost(true));
    remote.tracker.recordLeaseAssignment('worker-1', LEASE, 'queue', 'item-7');
    remote.tracker.recordGossip('shared-peer', { 'mesh.role': 'remote-says', 'remote.only': 'yes' });
    const fleet = await track(fleetHost({ targets: [remote.running.url] }));
    fleet.running.app.get(PeerLeaseHealthTracker).recordGossip('shared-peer', { 'mesh.role': 'local-says' });

    const answer = await read(fleet.running);
    expect(answer.status).toBe(200);
    expect(answer.partial).toBeNull();
    const worker = answer.body.peers.find((p) => p.peerId === 'worker-1');
    expect(worker?.activeLeases).toEqual([LEASE]);
    expect(worker?.metadata).toEqual({ 'resource.id': 'item-7', 'resource.type': 'queue' });
    // The same peer from both providers is one entry; the earlier provider (the local tracker) wins a key.
    const shared = answer.body.peers.filter((p) => p.peerId === 'shared-peer');
    expect(shared).toHaveLength(1);
    expect(shared[0]?.metadata).toEqual({ 'mesh.role': 'local-says', 'remote.only': 'yes' });
    expect(answer.body.summary.eligiblePeers).toBe(2);

    const request = remote.seen.headers.at(-1);
    expect(request?.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request?.[FEDERATED_READ_HEADER.toLowerCase()]).toBe('1');
  });

  it('sends the last ETag in If-None-Match and reuses the parsed peers on 304; a change comes through with 200', async () => {
    const remote = await track(kitHost());
    remote.tracker.recordLeaseAssignment('worker-1', LEASE);
    const fleet = await track(fleetHost({ targets: [remote.running.url] }));

    const first = await read(fleet.running);
    const second = await read(fleet.running);
    expect(remote.seen.statuses).toEqual([200, 304]);
    expect(remote.seen.headers[1]?.['if-none-match']).toMatch(/^".+"$/);
    expect(second.body).toEqual(first.body);
    expect(second.body.peers.map((p) => p.peerId)).toEqual(['worker-1']);

    remote.tracker.recordLeaseReleased('worker-1', LEASE, true);
    const third = await read(fleet.running);
    expect(remote.seen.statuses).toEqual([200, 304, 200]);
    expect(third.body.peers[0]?.activeLeases).toEqual([]);
    expect(third.body.summary.pendingReassignments).toBe(1);
  });

  it('answers a federated read with its own view only, without reading its remote hosts', async () => {
    const remote = await track(kitHost());
    remote.tracker.recordLeaseAssignment('worker-1', LEASE);
    const fleet = await track(fleetHost({ targets: [remote.running.url] }));
    fleet.running.app.get(PeerLeaseHealthTracker).recordGossip('local-1', { 'mesh.role': 'control-plane' });

    const federated = await read(fleet.running, { [FEDERATED_READ_HEADER]: '1' });
    expect(federated.body.peers.map((p) => p.peerId)).toEqual(['local-1']);
    expect(federated.partial).toBeNull();
    // Its own view only: the tracker's versioned body, so a poller gets 304 next time.
    expect(federated.etag).not.toBeNull();
    expect(remote.seen.statuses).toEqual([]);
    const again = await fetch(`${fleet.running.url}${PATH}`, {
      headers: { [FEDERATED_READ_HEADER]: '1', 'if-none-match': federated.etag ?? '' },
    });
    expect(again.status).toBe(304);
    // A plain read still federates.
    expect((await read(fleet.running)).body.peers.map((p) => p.peerId)).toEqual(['local-1', 'worker-1']);
  });

  it('never loops: two hosts that federate each other read one hop, and a host skips its own URL', async () => {
    const urls: { a?: string; b?: string } = {};
    const a = await track(fleetHost({ targets: () => (urls.b ? [urls.b] : []) }));
    const b = await track(fleetHost({ targets: () => (urls.a ? [urls.a] : []) }));
    urls.a = a.running.url;
    urls.b = b.running.url;
    a.running.app.get(PeerLeaseHealthTracker).recordGossip('peer-of-a', { side: 'a' });
    b.running.app.get(PeerLeaseHealthTracker).recordGossip('peer-of-b', { side: 'b' });

    const fromA = await read(a.running);
    expect(fromA.body.peers.map((p) => p.peerId)).toEqual(['peer-of-a', 'peer-of-b']);
    expect(fromA.partial).toBeNull();
    // B was read once (federated) and did not read A back.
    expect(b.seen.statuses).toEqual([200]);
    expect(a.seen.statuses).toEqual([200]);

    let ownUrl = '';
    const lone = await track(fleetHost({ targets: () => [ownUrl, `${ownUrl}/`], selfUrls: () => [ownUrl] }));
    ownUrl = lone.running.url;
    lone.running.app.get(PeerLeaseHealthTracker).recordGossip('me', {});
    expect(lone.provider.remoteSourceCount).toBe(0);
    const own = await read(lone.running);
    expect(own.body.peers.map((p) => p.peerId)).toEqual(['me']);
    expect(own.etag).not.toBeNull();
    // Exactly the one request above reached it: it did not read itself.
    expect(lone.seen.statuses).toEqual([200]);
  });

  it('a host that is slow, refuses the token, answers too much, malformed JSON or the wrong shape is left out and named; the others are served', async () => {
    const good = await track(kitHost());
    good.tracker.recordLeaseAssignment('worker-good', LEASE);
    const slow = await track(
      badHost(
        () =>
          new Promise<string>((resolve) => {
            hanging.push(() => resolve('{"peers":[],"summary":{"eligiblePeers":0,"unhealthyPeers":0,"pendingReassignments":0}}'));
          }),
      ),
    );
    const guarded = await track(kitHost(true));
    guarded.tracker.recordGossip('behind-the-guard', {});
    const huge = await track(
      badHost(() => JSON.stringify({ peers: [{ peerId: 'x'.repeat(200) }], summary: {}, padding: 'p'.repeat(8_000) })),
    );
    const malformed = await track(badHost(() => '{"peers":[{"peerId":'));
    const wrongShape = await track(
      badHost(() =>
        JSON.stringify({
          peers: [
            {
              peerId: 'w',
              lastHeartbeat: '0001-01-01T00:00:00+00:00',
              isHealthy: true,
              activeAssignments: 1,
              pendingReassignments: 0,
              activeLeases: [{ sequenceId: 1, attempt: 1, leaseId: 'not-a-uuid' }],
              metadata: {},
            },
          ],
          summary: { eligiblePeers: 1, unhealthyPeers: 0, pendingReassignments: 0 },
        }),
      ),
    );
    const bad = [slow, guarded.running, huge, malformed, wrongShape];
    const fleet = await track(
      fleetHost({
        targets: [good.running.url, ...bad.map((host) => host.url)],
        authToken: 'not-the-token',
        maxBodyBytes: 4096,
      }),
    );

    const answer = await read(fleet.running);
    expect(answer.status).toBe(200);
    expect(answer.body.peers.map((p) => p.peerId)).toEqual(['worker-good']);
    const named = (answer.partial ?? '').split(', ');
    expect(named.sort()).toEqual(bad.map((host) => `RemoteLeaseHealthProvider(${host.url})`).sort());
    expect(answer.etag).toBeNull();
    // Counted once per missing host.
    expect(fleet.running.app.get(PeerLeaseHealthTracker).anomalyCount('source-failure')).toBe(bad.length);
    // The failures are logged with the reasons, never with the token.
    const log = logLines.join('\n');
    expect(log).toContain(`no complete answer within ${REMOTE_TIMEOUT_MS} ms`);
    expect(log).toContain('HTTP 401');
    expect(log).not.toContain('not-the-token');
  });

  it('a host that goes away is left out and named in the partial header', async () => {
    const remote = await track(kitHost());
    remote.tracker.recordLeaseAssignment('worker-1', LEASE);
    const url = remote.running.url;
    const fleet = await track(fleetHost({ targets: [url] }));
    expect((await read(fleet.running)).body.peers.map((p) => p.peerId)).toEqual(['worker-1']);

    await remote.running.close();
    const without = await read(fleet.running);
    expect(without.status).toBe(200);
    expect(without.body.peers).toEqual([]);
    expect(without.partial).toBe(`RemoteLeaseHealthProvider(${url})`);
  });

  it('a target list function that throws or answers garbage is a missing source, never a 500', async () => {
    let list: () => readonly string[] = () => {
      throw new Error('gossip not ready');
    };
    const fleet = await track(fleetHost({ targets: () => list() }));
    fleet.running.app.get(PeerLeaseHealthTracker).recordGossip('local-1', {});
    const failing = await read(fleet.running);
    expect(failing.status).toBe(200);
    expect(failing.partial).toBe('RemoteLeaseHealthProvider(target-list)');
    expect(failing.body.peers.map((p) => p.peerId)).toEqual(['local-1']);
    expect(logLines.join('\n')).toContain('gossip not ready');
    list = () => 'http://127.0.0.1:1' as unknown as readonly string[];
    expect((await read(fleet.running)).partial).toBe('RemoteLeaseHealthProvider(target-list)');
    list = () => ['not a url', 42 as unknown as string];
    const invalid = await read(fleet.running);
    expect(invalid.status).toBe(200);
    expect((invalid.partial ?? '').split(', ').sort()).toEqual(['RemoteLeaseHealthProvider(notaurl)', 'RemoteLeaseHealthProvider(unnamed-target)']);
  });

  it('isPeerEligible follows the remote hosts\' last good answers', async () => {
    const remote = await track(kitHost());
    remote.tracker.recordLeaseAssignment('worker-1', LEASE);
    remote.tracker.recordDisconnect('worker-2', 'gone');
    const provider = new RemoteLeaseHealthProvider({ targets: [remote.running.url], timeoutMs: REMOTE_TIMEOUT_MS });
    try {
      expect(provider.isPeerEligible('worker-2')).toBe(true);
      const answer = await provider.partialSnapshot();
      expect(answer.missingSources).toEqual([]);
      expect(answer.snapshots.map((s) => s.peerId).sort()).toEqual(['worker-1', 'worker-2']);
      expect(provider.isPeerEligible('worker-1')).toBe(true);
      expect(provider.isPeerEligible('worker-2')).toBe(false);
      expect(provider.isPeerEligible('never-seen')).toBe(true);
    } finally {
      provider.onApplicationShutdown();
    }
  });

  it.each(HTTP_PLATFORMS)('on %s: names the missing host in the partial header, and answers a federated read with its own view', async (platform) => {
    const remote = await track(kitHost());
    remote.tracker.recordLeaseAssignment('worker-1', LEASE);
    const gone = await kitHost();
    const goneUrl = gone.running.url;
    await gone.running.close();
    const provider = new RemoteLeaseHealthProvider({ targets: [remote.running.url, goneUrl], timeoutMs: REMOTE_TIMEOUT_MS });
    const fleet = await track(
      startPlatformApp(platform, {
        imports: [PeerHealthModule.forRoot({ providerTimeoutMs: PROVIDER_TIMEOUT_MS, logger })],
        providers: [{ provide: RemoteLeaseHealthProvider, useValue: provider }],
      }),
    );
    fleet.app.get(PeerLeaseHealthTracker).recordGossip('local-1', {});
    const full = await read(fleet);
    expect(full.status).toBe(200);
    expect(full.partial).toBe(`RemoteLeaseHealthProvider(${goneUrl})`);
    expect(full.body.peers.map((p) => p.peerId)).toEqual(['local-1', 'worker-1']);
    const own = await read(fleet, { [FEDERATED_READ_HEADER]: '1' });
    expect(own.partial).toBeNull();
    expect(own.body.peers.map((p) => p.peerId)).toEqual(['local-1']);
  });
});
