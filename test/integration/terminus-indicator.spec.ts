import { Controller, Get, Query } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TerminusModule, type HealthCheckResult } from '@nestjs/terminus';
import { ManualClock, PeerHealthModule, PeerLeaseHealthTracker } from '@omnirelay/peer-health';
import { PeerHealthIndicator } from '@omnirelay/peer-health/terminus';
import { startHttpApp, type RunningApp } from '../support/http-app';

@Controller('health')
class ProbeController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly peers: PeerHealthIndicator,
  ) {}

  @Get('ready')
  @HealthCheck()
  ready(@Query('min') min?: string, @Query('ratio') ratio?: string, @Query('role') role?: string): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.peers.isHealthy('peers', { minHealthy: min === undefined ? undefined : Number(min), minRatio: ratio === undefined ? undefined : Number(ratio), role }),
    ]);
  }
}

interface Answer {
  status: string;
  details: { peers: { status: string; healthy: number; total: number } };
}

describe('PeerHealthIndicator (@omnirelay/peer-health/terminus)', () => {
  let running: RunningApp | undefined;
  let tracker: PeerLeaseHealthTracker;

  beforeAll(async () => {
    running = await startHttpApp({
      imports: [PeerHealthModule.forRoot({ clock: new ManualClock(Date.UTC(2026, 10, 24)) }), TerminusModule.forRoot({ logger: false })],
      controllers: [ProbeController],
      providers: [PeerHealthIndicator],
    });
    tracker = running.app.get(PeerLeaseHealthTracker);
    for (const [peerId, role] of [
      ['worker-1', 'worker'],
      ['worker-2', 'worker'],
      ['worker-3', 'worker'],
      ['dispatcher-1', 'dispatcher'],
    ] as const) {
      tracker.recordLeaseHeartbeat(peerId);
      tracker.recordGossip(peerId, { 'Mesh.Role': role });
    }
    tracker.recordDisconnect('worker-3', 'crash');
    tracker.recordDisconnect('dispatcher-1', 'crash');
  });

  afterAll(async () => {
    await running?.close();
  });

  const probe = async (query: string): Promise<{ status: number; body: Answer }> => {
    const response = await running?.get(`/health/ready${query}`);
    return { status: response?.status ?? 0, body: (await response?.json()) as Answer };
  };

  it.each([
    ['', 200, 2, 4],
    ['?min=3', 503, 2, 4],
    ['?ratio=0.5', 200, 2, 4],
    ['?ratio=0.6', 503, 2, 4],
    ['?role=worker&ratio=0.6', 200, 2, 3],
    ['?role=worker&min=3', 503, 2, 3],
    ['?role=dispatcher', 503, 0, 1],
    ['?role=gateway&min=0', 200, 0, 0],
  ])('%s answers %i with the counts (healthy %i of %i)', async (query, status, healthy, total) => {
    const answer = await probe(query);
    expect(answer.status).toBe(status);
    expect(answer.body.details.peers).toMatchObject({ status: status === 200 ? 'up' : 'down', healthy, total });
  });
});
