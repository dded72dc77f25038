import { ManualClock, PeerHealthInputError, PeerLeaseHealthTracker } from '@omnirelay/peer-health';

const T0 = 1_795_512_600_000;
const lease = { sequenceId: 1, attempt: 1, leaseId: '00000000-0000-4000-8000-000000000001' };

describe('PeerRecorder, a recorder bound to one peer', () => {
  it('records with the semantics of the by-id methods', () => {
    const clock = new ManualClock(T0);
    const byId = new PeerLeaseHealthTracker({ clock });
    const bound = new PeerLeaseHealthTracker({ clock });
    const recorder = bound.peer('w');
    byId.recordLeaseAssignment('w', lease, 'catalog', 'sku-1');
    recorder.assign(lease, 'catalog', 'sku-1');
    byId.recordLeaseHeartbeat('w', lease, 3);
    recorder.heartbeat(lease, 3);
    byId.recordGossip('w', { 'mesh.role': 'worker' });
    recorder.gossip({ 'mesh.role': 'worker' });
    byId.recordLeaseReleased('w', lease, true);
    recorder.release(lease, true);
    byId.recordDisconnect('w', 'reset');
    recorder.disconnect('reset');
    expect(recorder.peerId).toBe('w');
    expect(JSON.stringify(bound.snapshot())).toBe(JSON.stringify(byId.snapshot()));
    expect(bound.counts()).toEqual(byId.counts());
  });

  it('stays valid across its peer eviction: the next event tracks the peer again', () => {
    const clock = new ManualClock(T0);
    const tracker = new PeerLeaseHealthTracker({ clock, heartbeatGracePeriodMs: 1000, retentionMs: 2000 });
    const recorder = tracker.peer('w');
    recorder.heartbeat(lease);
    clock.advance(2001);
    expect(tracker.counts().trackedPeers).toBe(0);
    recorder.heartbeat();
    expect(tracker.snapshot()).toEqual([expect.objectContaining({ peerId: 'w', activeAssignments: 0, isHealthy: true })]);
  });

  it('does not revive a stale state after the peer was evicted and tracked again by id', () => {
    const clock = new ManualClock(T0);
    const tracker = new PeerLeaseHealthTracker({ clock, heartbeatGracePeriodMs: 1000, retentionMs: 2000 });
    const recorder = tracker.peer('w');
    recorder.assign(lease);
    clock.advance(2001);
    tracker.recordGossip('w', { fresh: 'yes' });
    recorder.heartbeat();
    expect(tracker.snapshot()).toEqual([expect.objectContaining({ activeAssignments: 0, metadata: { fresh: 'yes' } })]);
  });

  it('rejects a bad peer id when bound and bad input when recording, like the tracker', () => {
    const tracker = new PeerLeaseHealthTracker({ clock: new ManualClock(T0) });
    expect(() => tracker.peer(' ')).toThrow(PeerHealthInputError);
    const recorder = tracker.peer('w');
    expect(() => recorder.release(lease, 'yes' as never)).toThrow(/requeued/);
    expect(tracker.snapshot()).toEqual([]);
  });

  it('records after dispose() as the tracker does: it still answers, without its timer', () => {
    const clock = new ManualClock(T0);
    const tracker = new PeerLeaseHealthTracker({ clock, heartbeatGracePeriodMs: 1000 });
    const recorder = tracker.peer('w');
    tracker.dispose();
    recorder.heartbeat(lease);
    tracker.recordLeaseHeartbeat('v', lease);
    clock.advance(1001);
    expect(tracker.snapshot().map((s) => [s.peerId, s.isHealthy])).toEqual([
      ['w', false],
      ['v', false],
    ]);
    expect(clock.pendingTimers).toBe(0);
  });
});

describe('maxPeers', () => {
  it('does not track new peers past the limit, counts them, and keeps recording known peers', () => {
    const tracker = new PeerLeaseHealthTracker({ clock: new ManualClock(T0), maxPeers: 2 });
    tracker.recordLeaseHeartbeat('a');
    tracker.recordLeaseHeartbeat('b');
    tracker.recordLeaseHeartbeat('c');
    tracker.peer('d').gossip({ k: 'v' });
    tracker.recordDisconnect('a', 'gone');
    expect(tracker.snapshot().map((s) => s.peerId).sort()).toEqual(['a', 'b']);
    expect(tracker.anomalyCount('peer-limit')).toBe(2);
    expect(tracker.isPeerEligible('c')).toBe(true);
  });

  it('makes room as soon as an idle peer passed its retention', () => {
    const clock = new ManualClock(T0);
    const tracker = new PeerLeaseHealthTracker({ clock, maxPeers: 1, heartbeatGracePeriodMs: 100, retentionMs: 1000 });
    tracker.recordLeaseHeartbeat('a');
    clock.advance(1001);
    tracker.recordLeaseHeartbeat('b');
    expect(tracker.snapshot().map((s) => s.peerId)).toEqual(['b']);
    expect(tracker.anomalyCount('peer-limit')).toBe(0);
  });
});
