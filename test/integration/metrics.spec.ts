import {
  ManualClock,
  PEER_HEALTH_METRICS,
  PeerHealthModule,
  PeerLeaseHealthTracker,
} from '@omnirelay/peer-health';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { Registry, register } from 'prom-client';
import { sampleValue } from '../support/prometheus-text';
import { startHttpApp, type RunningApp } from '../support/http-app';

// willsoto registers default metrics in the global registry on every register() call: one per process.
const prometheus = PrometheusModule.register({ defaultMetrics: { enabled: false } });
const T0 = Date.UTC(2026, 10, 24, 9, 30, 0);
const lease = (n: number) => ({ sequenceId: n, attempt: 1, leaseId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}` });

describe('Prometheus telemetry', () => {
  const apps: RunningApp[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  async function boot(clock = new ManualClock(T0)) {
    const running = await startHttpApp({
      imports: [prometheus, PeerHealthModule.forRoot({ clock, heartbeatGracePeriodMs: 1000, flapping: { transitions: 3 } })],
    });
    apps.push(running);
    const tracker = running.app.get(PeerLeaseHealthTracker);
    const metrics = async () => {
      const response = await running.get('/metrics');
      expect(response.status).toBe(200);
      return response.text();
    };
    return { running, tracker, clock, metrics };
  }

  it('moves each counter as events are recorded', async () => {
    const { tracker, clock, metrics } = await boot();
    const M = PEER_HEALTH_METRICS;
    const before = await metrics();
    expect(sampleValue(before, M.heartbeats, { rpc_peer: 'w' })).toBeUndefined();

    tracker.recordLeaseAssignment('w', lease(1), 'catalog', 'sku-1');
    tracker.recordLeaseHeartbeat('w', lease(1), 3);
    tracker.recordLeaseHeartbeat('w', lease(1), 2);
    tracker.recordLeaseReleased('w', lease(1), true);
    tracker.recordGossip('w', { 'mesh.role': 'worker' });
    tracker.recordDisconnect('w', 'connection-reset');
    const first = await metrics();
    expect(sampleValue(first, M.assignments, { rpc_peer: 'w', lease_resource_type: 'catalog', lease_resource_id: 'sku-1' })).toBe(1);
    expect(sampleValue(first, M.heartbeats, { rpc_peer: 'w' })).toBe(2);
    expect(sampleValue(first, M.releases, { rpc_peer: 'w', requeued: 'true' })).toBe(1);
    expect(sampleValue(first, M.disconnects, { rpc_peer: 'w', lease_disconnect_reason: 'connection-reset' })).toBe(1);
    expect(sampleValue(first, M.gossipUpdates)).toBe(1);
    expect(sampleValue(first, M.transitions, { from: 'healthy', to: 'unhealthy', reason: 'disconnect' })).toBe(1);
    expect(sampleValue(first, M.anomalies, { kind: 'unknown-lease-release' })).toBe(0);

    tracker.recordLeaseHeartbeat('w');
    tracker.recordLeaseReleased('w', lease(9), false);
    clock.advance(1001);
    tracker.recordLeaseHeartbeat('w');
    tracker.recordDisconnect('w', 'connection-reset');
    const second = await metrics();
    expect(sampleValue(second, M.heartbeats, { rpc_peer: 'w' })).toBe(4);
    expect(sampleValue(second, M.releases, { rpc_peer: 'w', requeued: 'false' })).toBe(1);
    expect(sampleValue(second, M.disconnects, { rpc_peer: 'w', lease_disconnect_reason: 'connection-reset' })).toBe(2);
    expect(sampleValue(second, M.transitions, { from: 'unhealthy', to: 'healthy', reason: 'heartbeat' })).toBe(2);
    expect(sampleValue(second, M.transitions, { from: 'healthy', to: 'unhealthy', reason: 'heartbeat-expired' })).toBe(1);
    expect(sampleValue(second, M.transitions, { from: 'healthy', to: 'unhealthy', reason: 'disconnect' })).toBe(2);
    expect(sampleValue(second, M.anomalies, { kind: 'unknown-lease-release' })).toBe(1);
    expect(sampleValue(second, M.anomalies, { kind: 'flapping' })).toBe(1);
  });

  it('reports gauges that match the served summary', async () => {
    const { running, tracker, clock, metrics } = await boot();
    tracker.recordLeaseAssignment('a', lease(1));
    tracker.recordLeaseAssignment('b', lease(2));
    tracker.recordLeaseReleased('b', lease(2), true);
    tracker.recordLeaseHeartbeat('c');
    clock.advance(600);
    tracker.recordLeaseHeartbeat('a');
    clock.advance(600); // b and c expire, a is still within grace
    tracker.recordDisconnect('d');
    const body = (await (await running.get('/omnirelay/control/lease-health')).json()) as {
      summary: { eligiblePeers: number; unhealthyPeers: number; pendingReassignments: number };
    };
    const text = await metrics();
    expect(body.summary).toEqual({ eligiblePeers: 1, unhealthyPeers: 3, pendingReassignments: 1 });
    expect(sampleValue(text, PEER_HEALTH_METRICS.healthy)).toBe(body.summary.eligiblePeers);
    expect(sampleValue(text, PEER_HEALTH_METRICS.unhealthy)).toBe(body.summary.unhealthyPeers);
    expect(sampleValue(text, PEER_HEALTH_METRICS.pendingReassignments)).toBe(body.summary.pendingReassignments);
    expect(sampleValue(text, PEER_HEALTH_METRICS.trackedPeers)).toBe(4);
  });

  it('runs two apps in one process without metric collisions', async () => {
    const one = await boot();
    const two = await boot();
    one.tracker.recordLeaseHeartbeat('from-one');
    two.tracker.recordLeaseHeartbeat('from-two');
    two.tracker.recordLeaseHeartbeat('from-two');
    for (const app of [one, two]) {
      const text = await app.metrics();
      expect(sampleValue(text, PEER_HEALTH_METRICS.heartbeats, { rpc_peer: 'from-one' })).toBe(1);
      expect(sampleValue(text, PEER_HEALTH_METRICS.heartbeats, { rpc_peer: 'from-two' })).toBe(2);
      expect(text.match(/^# TYPE omnirelay_peer_lease_heartbeats_total /gm)).toHaveLength(1);
    }
    await one.running.close();
    apps.splice(apps.indexOf(one.running), 1);
    const after = await two.metrics();
    expect(sampleValue(after, PEER_HEALTH_METRICS.heartbeats, { rpc_peer: 'from-one' })).toBeUndefined();
    expect(sampleValue(after, PEER_HEALTH_METRICS.heartbeats, { rpc_peer: 'from-two' })).toBe(2);
  });

  it('keeps apps apart when each names its own registry', async () => {
    const first = new Registry();
    const second = new Registry();
    const trackers: PeerLeaseHealthTracker[] = [];
    for (const registry of [first, second]) {
      const running = await startHttpApp({ imports: [PeerHealthModule.forRoot({ telemetry: { enabled: true, registry } })] });
      apps.push(running);
      trackers.push(running.app.get(PeerLeaseHealthTracker));
    }
    trackers[0]?.recordLeaseHeartbeat('only-in-first');
    expect(sampleValue(await first.metrics(), PEER_HEALTH_METRICS.heartbeats, { rpc_peer: 'only-in-first' })).toBe(1);
    expect(sampleValue(await second.metrics(), PEER_HEALTH_METRICS.heartbeats, { rpc_peer: 'only-in-first' })).toBeUndefined();
  });

  it('exports its metrics again in an app created after register.clear() or the removal of a metric', async () => {
    const first = await boot();
    first.tracker.recordLeaseHeartbeat('before-clear');
    expect(sampleValue(await first.metrics(), PEER_HEALTH_METRICS.heartbeats, { rpc_peer: 'before-clear' })).toBe(1);
    // The usual jest clean-up between tests.
    register.clear();
    await first.running.close();
    apps.splice(apps.indexOf(first.running), 1);

    const second = await boot();
    second.tracker.recordLeaseHeartbeat('after-clear');
    const text = await second.metrics();
    expect(sampleValue(text, PEER_HEALTH_METRICS.heartbeats, { rpc_peer: 'after-clear' })).toBe(1);
    expect(sampleValue(text, PEER_HEALTH_METRICS.trackedPeers)).toBe(1);
    expect(text.match(/^# TYPE omnirelay_peer_lease_heartbeats_total /gm)).toHaveLength(1);

    register.removeSingleMetric(PEER_HEALTH_METRICS.trackedPeers);
    expect(sampleValue(await second.metrics(), PEER_HEALTH_METRICS.trackedPeers)).toBeUndefined();
    const third = await boot();
    third.tracker.recordLeaseHeartbeat('third');
    expect(sampleValue(await third.metrics(), PEER_HEALTH_METRICS.trackedPeers)).toBe(2);
  });

  it('turns telemetry off in a host without the Prometheus module, and the kit still serves', async () => {
    const running = await startHttpApp({ imports: [PeerHealthModule.forRoot()] });
    apps.push(running);
    running.app.get(PeerLeaseHealthTracker).recordLeaseHeartbeat('w-off');
    expect(sampleValue(await register.metrics(), PEER_HEALTH_METRICS.heartbeats, { rpc_peer: 'w-off' })).toBeUndefined();
    expect((await running.get('/omnirelay/control/lease-health')).status).toBe(200);
    expect((await running.get('/metrics')).status).toBe(404);
  });
});
