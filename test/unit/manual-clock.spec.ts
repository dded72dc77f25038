import { ManualClock, PeerLeaseHealthTracker, type PeerHealthTransition } from '@omnirelay/peer-health';

const T0 = Date.UTC(2026, 10, 24);

describe('ManualClock drives the tracker exactly', () => {
  it('applies a deadline inside the advanced span before advance() returns, listeners included', () => {
    const clock = new ManualClock(T0);
    const tracker = new PeerLeaseHealthTracker({ heartbeatGracePeriodMs: 5000, clock });
    const seen: PeerHealthTransition[] = [];
    tracker.onTransition((t) => seen.push(t));
    tracker.recordLeaseHeartbeat('w');
    clock.advance(5000);
    expect(seen).toEqual([]);
    clock.advance(1);
    expect(seen).toEqual([{ peerId: 'w', from: 'healthy', to: 'unhealthy', reason: 'heartbeat-expired', at: T0 + 5001 }]);
  });

  it('fires every deadline of a long span in time order, each with its own time', () => {
    const clock = new ManualClock(T0);
    const tracker = new PeerLeaseHealthTracker({ heartbeatGracePeriodMs: 1000, retentionMs: 3000, clock });
    const seen: Array<[string, string, number]> = [];
    tracker.onTransition((t) => seen.push([t.peerId, t.to, t.at - T0]));
    tracker.recordLeaseHeartbeat('a');
    clock.advance(300);
    tracker.recordLeaseHeartbeat('b');
    clock.advance(10_000);
    expect(seen).toEqual([
      ['a', 'unhealthy', 1001],
      ['b', 'unhealthy', 1301],
      ['a', 'evicted', 3000],
      ['b', 'evicted', 3300],
    ]);
  });

  it('lets a listener observe the clock at the instant of the transition it is told about', () => {
    const clock = new ManualClock(T0);
    const tracker = new PeerLeaseHealthTracker({ heartbeatGracePeriodMs: 2000, clock });
    const observed: number[] = [];
    tracker.onTransition((t) => observed.push(clock.now() - t.at));
    tracker.recordLeaseHeartbeat('w');
    clock.advance(2500);
    expect(observed).toHaveLength(1);
    expect(observed[0]).toBe(0);
    expect(tracker.isPeerEligible('w')).toBe(false);
  });

  it('stops driving a disposed tracker', () => {
    const clock = new ManualClock(T0);
    const tracker = new PeerLeaseHealthTracker({ heartbeatGracePeriodMs: 1000, clock });
    const seen: PeerHealthTransition[] = [];
    tracker.onTransition((t) => seen.push(t));
    tracker.recordLeaseHeartbeat('w');
    tracker.dispose();
    clock.advance(5000);
    expect(seen).toEqual([]);
    expect(clock.pendingTimers).toBe(0);
  });
});

describe('retention applies to the millisecond on reads', () => {
  it('shrunk counterexample: a peer idle for retention + 1 ms is gone from the next snapshot', () => {
    const clock = new ManualClock(T0);
    const tracker = new PeerLeaseHealthTracker({ clock, heartbeatGracePeriodMs: 1000, retentionMs: 5000, timers: { schedule: () => ({ cancel: () => undefined }) } });
    tracker.recordLeaseHeartbeat('w-1', { sequenceId: 0, attempt: 0, leaseId: '00000000-0000-4000-8000-000000000001' });
    clock.advance(1);
    clock.advance(5000);
    expect(tracker.snapshot()).toEqual([]);
    expect(tracker.counts().trackedPeers).toBe(0);
  });
});
