import {
  LEASE_EXPIRED_REASON,
  ManualClock,
  PeerHealthInputError,
  PeerLeaseHealthDiagnostics,
  PeerLeaseHealthTracker,
  serializeLeaseHealth,
  type PeerHealthAlert,
  type PeerHealthTransition,
} from '@omnirelay/peer-health';

const T0 = Date.UTC(2026, 10, 24, 9, 30);
const LEASE = { sequenceId: 7, attempt: 1, leaseId: '00000000-0000-4000-8000-000000000007' };

/** A tracker on a ManualClock, with its transitions and alerts collected. */
function trackerOn(clock: ManualClock) {
  const alerts: PeerHealthAlert[] = [];
  const tracker = new PeerLeaseHealthTracker({
    heartbeatGracePeriodMs: 5000,
    clock,
    alertPublisher: { publish: (alert: PeerHealthAlert) => void alerts.push(alert) },
  });
  const seen: PeerHealthTransition[] = [];
  tracker.onTransition((t) => seen.push(t));
  return { tracker, seen, alerts };
}

const bytes = (tracker: PeerLeaseHealthTracker): string => serializeLeaseHealth(PeerLeaseHealthDiagnostics.fromSnapshots(tracker.snapshot()));

describe('recordLeaseExpired', () => {
  it.each([
    ['a healthy peer', 1000],
    ['a peer whose grace period already ended', 9000],
  ])('on %s gives the snapshot of release-and-disconnect without the false recovery', (_label, silentMs) => {
    const clock = new ManualClock(T0);
    const seed = trackerOn(clock);
    const kit = trackerOn(clock);
    for (const { tracker } of [seed, kit]) {
      tracker.recordLeaseAssignment('worker-1', LEASE, 'catalog', 'sku-1');
      tracker.recordLeaseHeartbeat('worker-1', LEASE, 2);
    }
    clock.advance(silentMs);
    const before = kit.seen.length;
    const seedBefore = seed.seen.length;

    seed.tracker.recordLeaseReleased('worker-1', LEASE, true);
    seed.tracker.recordDisconnect('worker-1', 'lease-expired');
    kit.tracker.recordLeaseExpired('worker-1', LEASE);

    expect(bytes(kit.tracker)).toBe(bytes(seed.tracker));
    expect(kit.tracker.snapshot()[0]).toMatchObject({ isHealthy: false, pendingReassignments: 1, activeAssignments: 0 });
    expect(kit.tracker.snapshot()[0]?.metadata['disconnect.reason']).toBe(LEASE_EXPIRED_REASON);
    const expiry = kit.seen.slice(before);
    if (silentMs < 5000) {
      // Healthy until now: one transition, at the expiry, counted once.
      expect(expiry).toEqual([{ peerId: 'worker-1', from: 'healthy', to: 'unhealthy', reason: 'lease-expired', at: clock.now() }]);
      expect(kit.tracker.transitionCount('healthy', 'unhealthy')).toBe(1);
      expect(seed.seen.slice(seedBefore).map((t) => t.reason)).toEqual(['disconnect']);
    } else {
      // Already unhealthy: nothing changes status; the seed's pair turns it healthy for an instant.
      expect(expiry).toEqual([]);
      expect(kit.tracker.transitionCount('unhealthy', 'healthy')).toBe(0);
      expect(seed.seen.slice(seedBefore).map((t) => `${t.from}->${t.to}:${t.reason}`)).toEqual([
        'unhealthy->healthy:release',
        'healthy->unhealthy:disconnect',
      ]);
    }
    // The alert is the disconnect's, as the pair publishes it.
    expect(kit.alerts).toEqual(seed.alerts);
    expect(kit.alerts.at(-1)?.attributes).toEqual({ 'peer.id': 'worker-1', reason: 'lease-expired' });
    seed.tracker.dispose();
    kit.tracker.dispose();
  });

  it('stays unhealthy until the next sign of life, and counts two transitions per cycle, not four', () => {
    const clock = new ManualClock(T0);
    const { tracker, seen } = trackerOn(clock);
    const worker = tracker.peer('worker-1');
    for (let i = 1; i <= 10; i++) {
      const lease = { ...LEASE, sequenceId: i };
      worker.assign(lease);
      clock.advance(6000); // the worker goes quiet: its grace period ends, then its lease expires
      worker.expire(lease, false);
      expect(tracker.isPeerEligible('worker-1')).toBe(false);
      clock.advance(100);
    }
    expect(seen.filter((t) => t.to === 'healthy').map((t) => t.reason)).toEqual(new Array(9).fill('assignment'));
    expect(seen.filter((t) => t.reason === 'release')).toEqual([]);
    // Each cycle: healthy -> unhealthy when the grace period ends, back on the next assignment.
    expect(seen.filter((t) => t.to === 'unhealthy').map((t) => t.reason)).toEqual(new Array(10).fill('heartbeat-expired'));
    expect(tracker.transitionCount('healthy', 'unhealthy') + tracker.transitionCount('unhealthy', 'healthy')).toBe(19);
    expect(tracker.snapshot()[0]?.pendingReassignments).toBe(0);
    tracker.dispose();
  });

  it('refuses a bad handle or requeued value before anything changes', () => {
    const clock = new ManualClock(T0);
    const { tracker, seen } = trackerOn(clock);
    tracker.recordLeaseAssignment('worker-1', LEASE);
    const body = bytes(tracker);
    expect(() => tracker.recordLeaseExpired('worker-1', LEASE, 'yes' as unknown as boolean)).toThrow(PeerHealthInputError);
    expect(() => tracker.recordLeaseExpired('worker-1', { ...LEASE, leaseId: 'nope' })).toThrow(PeerHealthInputError);
    expect(() => tracker.recordLeaseExpired('', LEASE)).toThrow(PeerHealthInputError);
    expect(bytes(tracker)).toBe(body);
    expect(seen).toEqual([]);
    tracker.dispose();
  });
});
