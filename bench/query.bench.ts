// query: filtered and paged answers of the endpoint at 100,000 peers (tracker only), against the
// whole unfiltered body. Filters are one pass over the sorted live states; no snapshot objects.
import { ManualClock, parseLeaseHealthQuery, PeerHealthDiagnosticsService, PeerLeaseHealthTracker } from '@omnirelay/peer-health';
import { median, record } from './support/results';
import { peerIdOf } from './support/workload';

const T0 = Date.UTC(2026, 10, 24, 9, 30);
const PEERS = 100_000;
const ROUNDS = 15;

async function main(): Promise<void> {
  const clock = new ManualClock(T0);
  const tracker = new PeerLeaseHealthTracker({ clock, heartbeatGracePeriodMs: 60_000 });
  const service = new PeerHealthDiagnosticsService([tracker], tracker, { providerTimeoutMs: 1000, telemetry: { enabled: false, registry: undefined } });
  const roles = ['worker', 'worker', 'worker', 'dispatcher', 'control-plane'];
  for (let i = 0; i < PEERS; i++) {
    const peerId = peerIdOf(i);
    tracker.recordLeaseHeartbeat(peerId, { sequenceId: i, attempt: 1, leaseId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}` });
    tracker.recordGossip(peerId, { 'mesh.role': roles[i % roles.length] ?? 'worker', 'mesh.region': `r${i % 3}`, 'label.zone': `z${i % 10}` });
    if (i % 1000 === 0) tracker.recordDisconnect(peerId, 'bench');
  }
  const time = async (query: Record<string, string> | undefined): Promise<number> => {
    const parsed = query === undefined ? undefined : parseLeaseHealthQuery(query, 256);
    const times: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      // One peer changes between fetches, as on a live host, so no answer is a pure cache hit.
      clock.advance(1);
      tracker.recordLeaseHeartbeat(peerIdOf(r));
      const started = process.hrtime.bigint();
      await service.render(parsed);
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    return median(times);
  };
  const whole = await time(undefined);
  record({ name: 'query-none (whole body)', peers: PEERS, value: whole, unit: 'ms', baseline: null, ratio: null, target: '(reported)', met: null });
  const cases: Array<[string, Record<string, string>]> = [
    ['query-status=unhealthy', { status: 'unhealthy' }],
    ['query-role=dispatcher&limit=100', { role: 'dispatcher', limit: '100' }],
    ['query-label.zone=z3&role=worker&limit=100', { 'label.zone': 'z3', role: 'worker', limit: '100' }],
    ['query-limit=100 (last page, by cursor)', { limit: '100', cursor: `a1.${Buffer.from(peerIdOf(PEERS - 50)).toString('base64url')}` }],
  ];
  for (const [name, query] of cases) {
    const value = await time(query);
    record({
      name,
      peers: PEERS,
      value,
      unit: 'ms',
      baseline: whole,
      ratio: whole / value,
      target: 'cheaper than the whole body',
      met: value < whole,
    });
  }
  tracker.dispose();
}

void main();
