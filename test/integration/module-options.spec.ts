import { Controller, Get, Header, Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  ManualClock,
  PEER_HEALTH_ALERT_PUBLISHER,
  PeerHealthConfigurationError,
  PeerHealthDiagnosticsService,
  PeerHealthModule,
  PeerLeaseHealthTracker,
  serializeLeaseHealth,
  type PeerHealthAlert,
  type PeerHealthAlertPublisher,
} from '@omnirelay/peer-health';
import { startHttpApp, type RunningApp } from '../support/http-app';

const CONFIG = Symbol('CONFIG');

@Module({ providers: [{ provide: CONFIG, useValue: { graceMs: 1234 } }], exports: [CONFIG] })
class ConfigModule {}

/** A gossip-like service in its own module: it injects the tracker and imports nothing of a dispatcher. */
@Injectable()
class GossipAgent {
  constructor(readonly tracker: PeerLeaseHealthTracker) {}
  memberJoined(id: string): void {
    this.tracker.recordGossip(id, { 'mesh.role': 'worker' });
  }
}

@Module({ providers: [GossipAgent] })
class GossipModule {}

class RecordingPublisher implements PeerHealthAlertPublisher {
  readonly alerts: PeerHealthAlert[] = [];
  publish(alert: PeerHealthAlert): void {
    this.alerts.push(alert);
  }
}

@Module({
  providers: [{ provide: PEER_HEALTH_ALERT_PUBLISHER, useClass: RecordingPublisher }],
  exports: [PEER_HEALTH_ALERT_PUBLISHER],
})
class AlertsModule {}

/** A host that mounts its own route and calls the transformer. */
@Controller('ops')
class OwnRouteController {
  constructor(private readonly diagnostics: PeerHealthDiagnosticsService) {}
  @Get('peers')
  @Header('Content-Type', 'application/json; charset=utf-8')
  async peers(): Promise<string> {
    return serializeLeaseHealth(await this.diagnostics.collect());
  }
}

async function startupError(imports: unknown[]): Promise<unknown> {
  try {
    const moduleRef = await Test.createTestingModule({ imports: imports as [] }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    await app.close();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('PeerHealthModule', () => {
  let running: RunningApp | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  it('forRootAsync takes its options from an injected factory', async () => {
    running = await startHttpApp({
      imports: [
        PeerHealthModule.forRootAsync({
          imports: [ConfigModule],
          inject: [CONFIG],
          useFactory: (config: { graceMs: number }) => ({ heartbeatGracePeriodMs: config.graceMs }),
        }),
      ],
    });
    expect(running.app.get(PeerLeaseHealthTracker).heartbeatGracePeriodMs).toBe(1234);
    expect((await running.get('/omnirelay/control/lease-health')).status).toBe(200);
  });

  it('is global by default: a gossip module injects the tracker without importing anything', async () => {
    running = await startHttpApp({ imports: [PeerHealthModule.forRoot(), GossipModule] });
    running.app.get(GossipAgent).memberJoined('w-1');
    const body = (await (await running.get('/omnirelay/control/lease-health')).json()) as { peers: Array<{ peerId: string }> };
    expect(body.peers.map((p) => p.peerId)).toEqual(['w-1']);
    expect(running.app.get(GossipAgent).tracker).toBe(running.app.get(PeerLeaseHealthTracker));
  });

  it('with isGlobal: false, a module that does not import it cannot inject the tracker', async () => {
    const error = await startupError([PeerHealthModule.forRoot({ isGlobal: false }), GossipModule]);
    expect(String(error)).toMatch(/PeerLeaseHealthTracker/);
  });

  it.each([
    ['heartbeatGracePeriodMs', { heartbeatGracePeriodMs: -1 }],
    ['providerTimeoutMs', { providerTimeoutMs: 0 }],
    ['telemetry.enabled', { telemetry: { enabled: 'yes' } }],
    ['metadataLimits.maxValueLength', { metadataLimits: { maxValueLength: 'big' } }],
  ])('fails at start-up with an error naming %s', async (option, options) => {
    const error = await startupError([PeerHealthModule.forRoot(options as never)]);
    expect(error).toBeInstanceOf(PeerHealthConfigurationError);
    expect((error as PeerHealthConfigurationError).option).toBe(option);
    expect((error as Error).message).toContain(`'${option}'`);
  });

  it('validates options coming from an async factory the same way', async () => {
    const error = await startupError([PeerHealthModule.forRootAsync({ useFactory: () => ({ retentionMs: -1 }) })]);
    expect((error as PeerHealthConfigurationError).option).toBe('retentionMs');
  });

  it('rejects a bad path prefix when the module is defined', () => {
    expect(() => PeerHealthModule.forRoot({ pathPrefix: 'no-slash' })).toThrow(PeerHealthConfigurationError);
  });

  it('serves under a configured path prefix', async () => {
    running = await startHttpApp({ imports: [PeerHealthModule.forRoot({ pathPrefix: '/ops/health/' })] });
    expect((await running.get('/ops/health/lease-health')).status).toBe(200);
    expect((await running.get('/omnirelay/control/lease-health')).status).toBe(404);
  });

  it('with controller: false, the host mounts its own route and gets the same body', async () => {
    running = await startHttpApp({
      imports: [PeerHealthModule.forRoot({ controller: false, clock: new ManualClock(0) })],
      controllers: [OwnRouteController],
    });
    running.app.get(PeerLeaseHealthTracker).recordDisconnect('w', 'bye');
    expect((await running.get('/omnirelay/control/lease-health')).status).toBe(404);
    const response = await running.get('/ops/peers');
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(
      '{"peers":[{"peerId":"w","lastHeartbeat":"0001-01-01T00:00:00+00:00","lastDisconnect":"1970-01-01T00:00:00+00:00",' +
        '"isHealthy":false,"activeAssignments":0,"pendingReassignments":0,"activeLeases":[],"metadata":{"disconnect.reason":"bye"}}],' +
        '"summary":{"eligiblePeers":0,"unhealthyPeers":1,"pendingReassignments":0}}',
    );
  });

  it('hands alerts to a publisher provided under PEER_HEALTH_ALERT_PUBLISHER', async () => {
    running = await startHttpApp({
      imports: [PeerHealthModule.forRootAsync({ imports: [AlertsModule], useFactory: () => ({}) })],
    });
    running.app.get(PeerLeaseHealthTracker).recordDisconnect('w-9', 'gossip-left');
    const publisher = running.app.select(AlertsModule).get<RecordingPublisher>(PEER_HEALTH_ALERT_PUBLISHER);
    expect(publisher.alerts.map((a) => a.attributes)).toEqual([{ 'peer.id': 'w-9', reason: 'gossip-left' }]);
  });

  it('clears the tracker timer when the application closes', async () => {
    const clock = new ManualClock(0);
    running = await startHttpApp({ imports: [PeerHealthModule.forRoot({ clock })] });
    running.app.get(PeerLeaseHealthTracker).recordLeaseHeartbeat('w');
    expect(clock.pendingTimers).toBe(1);
    await running.close();
    running = undefined;
    expect(clock.pendingTimers).toBe(0);
  });

  it('filters by any peer id the tracker accepts, up to its maxPeerIdLength', async () => {
    running = await startHttpApp({ imports: [PeerHealthModule.forRoot({ clock: new ManualClock(0), maxPeerIdLength: 1000 })] });
    const longId = `worker-${'x'.repeat(600)}`;
    running.app.get(PeerLeaseHealthTracker).recordLeaseHeartbeat(longId);
    const response = await running.get(`/omnirelay/control/lease-health?peerId=${longId}`);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { peers: Array<{ peerId: string }> }).peers.map((p) => p.peerId)).toEqual([longId]);
    const tooLong = await running.get(`/omnirelay/control/lease-health?peerId=${'y'.repeat(1001)}`);
    expect(tooLong.status).toBe(400);
    expect(((await tooLong.json()) as { message: string }).message).toMatch(/at most 1000 characters/);
  });

  it('rejects a maxPeerIdLength that is not a positive integer at start-up', async () => {
    const error = await startupError([PeerHealthModule.forRoot({ maxPeerIdLength: 2.5 })]);
    expect((error as PeerHealthConfigurationError).option).toBe('maxPeerIdLength');
  });

  describe('query parameters', () => {
    beforeEach(async () => {
      running = await startHttpApp({ imports: [PeerHealthModule.forRoot({ clock: new ManualClock(0) })] });
      const tracker = running.app.get(PeerLeaseHealthTracker);
      tracker.recordLeaseHeartbeat('up');
      tracker.recordDisconnect('down');
    });

    it.each([
      ['?status=healthy', ['up']],
      ['?status=unhealthy', ['down']],
      ['?peerId=down', ['down']],
      ['?peerId=nobody', []],
    ])('%s filters the peers and recounts the summary', async (query, expected) => {
      const body = (await (await running?.get(`/omnirelay/control/lease-health${query}`))?.json()) as {
        peers: Array<{ peerId: string }>;
        summary: { eligiblePeers: number; unhealthyPeers: number };
      };
      expect(body.peers.map((p) => p.peerId)).toEqual(expected);
      expect(body.summary.eligiblePeers + body.summary.unhealthyPeers).toBe(expected.length);
    });

    it.each([
      ['?status=sick', /status/],
      ['?status=healthy&status=unhealthy', /once/],
      ['?limit=0', /limit/],
      [`?peerId=${'x'.repeat(300)}`, /peerId/],
      ['?peerId=%20%20', /peerId/],
    ])('%s is a 400 with a JSON error body', async (query, message) => {
      const response = await running?.get(`/omnirelay/control/lease-health${query}`);
      expect(response?.status).toBe(400);
      expect(response?.headers.get('content-type')).toMatch(/^application\/json/);
      const body = (await response?.json()) as { statusCode: number; message: string };
      expect(body.statusCode).toBe(400);
      expect(body.message).toMatch(message);
    });
  });
});

