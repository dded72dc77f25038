import {
  ManualClock,
  PeerLeaseHealthTracker,
  type PeerHealthTransition,
} from '@omnirelay/peer-health';

const T0 = 1_795_512_600_000;
const lease = (n: number) => ({ sequenceId: n, attempt: 1, leaseId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}` });

describe('case-insensitive metadata keys', () => {
  it('keeps the first spelling of a key and the newest value', () => {
    const tracker = new PeerLeaseHealthTracker({ clock: new ManualClock(T0) });
    tracker.recordGossip('cp', { 'Mesh.Role': 'worker' });
    tracker.recordGossip('cp', { 'mesh.role': 'control-plane', 'MESH.ROLE': 'gateway' });
    expect({ ...tracker.snapshot()[0]?.metadata }).toEqual({ 'Mesh.Role': 'gateway' });
  });

  it('treats the well-known keys the same way', () => {
    const tracker = new PeerLeaseHealthTracker({ clock: new ManualClock(T0) });
    tracker.recordGossip('w', { 'Pending.Count': '99' });
    tracker.recordLeaseHeartbeat('w', undefined, 3);
    expect({ ...tracker.snapshot()[0]?.metadata }).toEqual({ 'Pending.Count': '3' });
  });

  it('sorts metadata keys case-insensitively in snapshots', () => {
    const tracker = new PeerLeaseHealthTracker({ clock: new ManualClock(T0) });
    tracker.recordGossip('cp', { b: '1', A: '2', c: '3' });
    expect(Object.keys(tracker.snapshot()[0]?.metadata ?? {})).toEqual(['A', 'b', 'c']);
  });
});

describe('health evaluated on time', () => {
  it('turns a silent peer unhealthy at its deadline without anyone asking, and tells listeners', () => {
    const clock = new ManualClock(T0);
    const tracker = new PeerLeaseHealthTracker({ heartbeatGracePeriodMs: 5000, clock });
    const seen: PeerHealthTransition[] = [];
    tracker.onTransition((t) => seen.push(t));
    tracker.recordLeaseHeartbeat('w');
    clock.advance(5000);
    expect(seen).toEqual([]);
    // Nobody asks: the kit's own timer notices within 1% of the grace period (at most 25 ms).
    clock.advance(5000 / 100 + 1);
    // At the first instant it is not eligible: exactly at the deadline it still was.
    expect(seen).toEqual([{ peerId: 'w', from: 'healthy', to: 'unhealthy', reason: 'heartbeat-expired', at: T0 + 5001 }]);
    expect(tracker.transitionCount('healthy', 'unhealthy', 'heartbeat-expired')).toBe(1);
  });

  it('keeps summary counts current as deadlines pass', () => {
    const clock = new ManualClock(T0);
    const tracker = new PeerLeaseHealthTracker({ heartbeatGracePeriodMs: 1000, clock });
    tracker.recordLeaseHeartbeat('a');
    clock.advance(500);
    tracker.recordLeaseHeartbeat('b');
    clock.advance(501);
    expect(tracker.counts()).toMatchObject({ eligiblePeers: 1, unhealthyPeers: 1 });
    clock.advance(500);
    expect(tracker.counts()).toMatchObject({ eligiblePeers: 0, unhealthyPeers: 2 });
  });

  it('counts a recovery as a transition with the event that caused it', () => {
    const clock = new ManualClock(T0);
    const tracker = new PeerLeaseHealthTracker({ heartbeatGracePeriodMs: 1000, clock });
    tracker.recordLeaseHeartbeat('w');
    clock.advance(2000);
    tracker.recordLeaseHeartbeat('w');
    tracker.recordDisconnect('w');
    tracker.recordLeaseAssignment('w', lease(1));
    expect(tracker.transitionCount('unhealthy', 'healthy', 'heartbeat')).toBe(1);
    expect(tracker.transitionCount('healthy', 'unhealthy', 'disconnect')).toBe(1);
    expect(tracker.transitionCount('unhealthy', 'healthy', 'assignment')).toBe(1);
  });

  it('arms a single timer however many peers heartbeat, and clears it on dispose', () => {
    const clock = new ManualClock(T0);
    const tracker = new PeerLeaseHealthTracker({ heartbeatGracePeriodMs: 1000, retentionMs: Infinity, clock });
    for (let i = 0; i < 500; i++) tracker.recordLeaseHeartbeat(`w-${i}`);
    expect(clock.pendingTimers).toBe(1);
    tracker.dispose();
    expect(clock.pendingTimers).toBe(0);
  });

  it('still applies passed deadlines on the next call after dispose', () => {
    const clock = new ManualClock(T0);
    const tracker = new PeerLeaseHealthTracker({ heartbeatGracePeriodMs: 1000, clock });
    tracker.recordLeaseHeartbeat('w');
    tracker.dispose();
    clock.advance(2000);
    expect(tracker.isPeerEligible('w')).toBe(false);
  });

  it('transitions on its own with the system clock and an unref-ed timer', async () => {
    const tracker = new PeerLeaseHealthTracker({ heartbeatGracePeriodMs: 30 });
    const transition = new Promise<PeerHealthTransition>((resolve) => tracker.onTransition(resolve));
    tracker.recordLeaseHeartbeat('w');
    let timeout: NodeJS.Timeout | undefined;
    const expired = await Promise.race([
      transition,
      new Promise<undefined>((resolve) => {
        timeout = setTimeout(() => resolve(undefined), 5000);
      }),
    ]);
    clearTimeout(timeout);
    tracker.dispose();
    expect(expired).toMatchObject({ peerId: 'w', to: 'unhealthy', reason: 'heartbeat-expired' });
  });
});

describe('retention', () => {
  it('evicts peers with no event for the retention period, and only those', () => {
    const clock = new ManualClock(T0);
    const tracker = new PeerLeaseHealthTracker({ heartbeatGracePeriodMs: 1000, retentionMs: 60_000, clock });
    const evicted: string[] = [];
    tracker.onTransition((t) => {
      if (t.to === 'evicted') evicted.push(t.peerId);
    });
    tracker.recordDisconnect('gone', 'reset');
    tracker.recordLeaseHeartbeat('alive');
    for (let t = 0; t < 120; t++) {
      clock.advance(1000);
      tracker.recordLeaseHeartbeat('alive');
    }
    expect(evicted).toEqual(['gone']);
    expect(tracker.snapshot().map((s) => s.peerId)).toEqual(['alive']);
    expect(tracker.counts()).toEqual({ eligiblePeers: 1, unhealthyPeers: 0, pendingReassignments: 0, trackedPeers: 1 });
    expect(tracker.transitionCount('unhealthy', 'evicted', 'retention')).toBe(1);
  });

  it('defaults to at least an hour', () => {
    expect(new PeerLeaseHealthTracker().retentionMs).toBeGreaterThanOrEqual(3_600_000);
  });

  it('keeps the tracked count bounded under churn', () => {
    const clock = new ManualClock(T0);
    const tracker = new PeerLeaseHealthTracker({ heartbeatGracePeriodMs: 100, retentionMs: 1000, clock });
    let maxTracked = 0;
    for (let i = 0; i < 20_000; i++) {
      tracker.recordLeaseHeartbeat(`churn-${i}`);
      clock.advance(1);
      maxTracked = Math.max(maxTracked, tracker.counts().trackedPeers);
    }
    // Retention is applied in buckets of 1% of the retention period.
    expect(maxTracked).toBeLessThanOrEqual(1000 + 1000 / 100 + 2);
    expect(tracker.transitionCount('unhealthy', 'evicted')).toBeGreaterThan(18_000);
  });
});

describe('listeners', () => {
  it('may record into the tracker from inside a callback without corrupting state', () => {
    const clock = new ManualClock(T0);
    const tracker = new PeerLeaseHealthTracker({ heartbeatGracePeriodMs: 1000, clock });
    const order: string[] = [];
    tracker.onTransition((t) => {
      order.push(`${t.peerId}:${t.to}`);
      if (t.peerId === 'a' && t.to === 'unhealthy') {
        tracker.recordDisconnect('b', 'follows-a');
        tracker.recordLeaseHeartbeat('a');
      }
    });
    tracker.recordLeaseHeartbeat('a');
    tracker.recordLeaseHeartbeat('b');
    tracker.recordDisconnect('a');
    expect(order).toEqual(['a:unhealthy', 'b:unhealthy', 'a:healthy']);
    expect(tracker.counts()).toMatchObject({ eligiblePeers: 1, unhealthyPeers: 1 });
    const recount = tracker.snapshot().filter((s) => s.isHealthy).length;
    expect(recount).toBe(1);
  });

  it('a throwing listener is counted and does not stop the others', () => {
    const tracker = new PeerLeaseHealthTracker({ clock: new ManualClock(T0), logger: { warn: () => {}, error: () => {} } });
    const seen: string[] = [];
    tracker.onTransition(() => {
      throw new Error('boom');
    });
    tracker.onTransition((t) => seen.push(t.peerId));
    tracker.recordDisconnect('w');
    expect(seen).toEqual(['w']);
    expect(tracker.anomalyCount('listener-failure')).toBe(1);
  });

  it('stops calling a listener after unsubscribe', () => {
    const tracker = new PeerLeaseHealthTracker({ clock: new ManualClock(T0) });
    const seen: string[] = [];
    const off = tracker.onTransition((t) => seen.push(t.peerId));
    tracker.recordDisconnect('a');
    off();
    tracker.recordDisconnect('b');
    expect(seen).toEqual(['a']);
  });
});

describe('flapping', () => {
  function flappingTracker(clock: ManualClock, warnings: string[]) {
    return new PeerLeaseHealthTracker({
      clock,
      flapping: { transitions: 4, windowMs: 10_000 },
      logger: { warn: (m: string) => warnings.push(m), error: () => {} },
    });
  }

  it('counts a peer changing status too often within the window once per window', () => {
    const clock = new ManualClock(T0);
    const warnings: string[] = [];
    const tracker = flappingTracker(clock, warnings);
    for (let i = 0; i < 5; i++) {
      tracker.recordDisconnect('w');
      tracker.recordLeaseHeartbeat('w');
    }
    expect(tracker.anomalyCount('flapping')).toBe(1);
    clock.advance(20_000);
    expect(warnings).toEqual(['1 peer(s) flapped (4 status changes within 10000 ms): w']);
    for (let i = 0; i < 2; i++) {
      tracker.recordDisconnect('w');
      tracker.recordLeaseHeartbeat('w');
    }
    expect(tracker.anomalyCount('flapping')).toBe(2);
  });

  it('logs one summary line per window however many peers flap, naming a few', () => {
    const clock = new ManualClock(T0);
    const warnings: string[] = [];
    const tracker = flappingTracker(clock, warnings);
    for (let round = 0; round < 3; round++) {
      for (let p = 0; p < 1000; p++) tracker.recordDisconnect(`p-${p}`);
      for (let p = 0; p < 1000; p++) tracker.recordLeaseHeartbeat(`p-${p}`);
    }
    expect(tracker.anomalyCount('flapping')).toBe(1000);
    expect(warnings).toEqual([]);
    clock.advance(10_000);
    expect(warnings).toEqual(['1000 peer(s) flapped (4 status changes within 10000 ms): p-0, p-1, p-2, p-3, p-4 and 995 more']);
    clock.advance(60_000);
    expect(warnings).toHaveLength(1);
  });

  it('logs what is pending when the tracker is disposed', () => {
    const clock = new ManualClock(T0);
    const warnings: string[] = [];
    const tracker = flappingTracker(clock, warnings);
    for (let i = 0; i < 2; i++) {
      tracker.recordDisconnect('w');
      tracker.recordLeaseHeartbeat('w');
    }
    tracker.dispose();
    expect(warnings).toEqual(['1 peer(s) flapped (4 status changes within 10000 ms): w']);
  });
});

describe('alerts', () => {
  it('publishes a peer_disconnect warning with peer.id and reason', () => {
    const alerts: unknown[] = [];
    const tracker = new PeerLeaseHealthTracker({ clock: new ManualClock(T0), alertPublisher: { publish: (a) => void alerts.push(a) } });
    tracker.recordDisconnect('w-1', 'connection-reset');
    tracker.recordDisconnect('w-2');
    expect(alerts).toEqual([
      expect.objectContaining({ name: 'peer_disconnect', severity: 'warning', attributes: { 'peer.id': 'w-1', reason: 'connection-reset' }, at: T0 }),
      expect.objectContaining({ name: 'peer_disconnect', attributes: { 'peer.id': 'w-2', reason: 'unspecified' } }),
    ]);
  });

  it('a throwing or rejecting publisher never breaks recording and is counted', async () => {
    const quiet = { warn: () => {}, error: () => {} };
    const throwing = new PeerLeaseHealthTracker({
      clock: new ManualClock(T0),
      logger: quiet,
      alertPublisher: {
        publish: () => {
          throw new Error('pager down');
        },
      },
    });
    expect(() => throwing.recordDisconnect('w', 'x')).not.toThrow();
    expect(throwing.snapshot()[0]?.isHealthy).toBe(false);
    expect(throwing.anomalyCount('alert-publish-failure')).toBe(1);

    const rejecting = new PeerLeaseHealthTracker({
      clock: new ManualClock(T0),
      logger: quiet,
      alertPublisher: { publish: () => Promise.reject(new Error('bus down')) },
    });
    rejecting.recordDisconnect('w', 'x');
    await new Promise((resolve) => setImmediate(resolve));
    expect(rejecting.anomalyCount('alert-publish-failure')).toBe(1);
  });
});
