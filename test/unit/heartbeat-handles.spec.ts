import { ManualClock, PeerHealthInputError, PeerLeaseHealthTracker, type PeerLeaseHandle } from '@omnirelay/peer-health';

// Named regression cases of the property test (tracker-model.property.spec.ts): producers reuse and
// mutate their handle objects, and nothing the tracker keeps may depend on the caller's object.

const T0 = 1_795_512_600_000;
const LEASE_1 = '00000000-0000-4000-8000-000000000001';
const LEASE_2 = '00000000-0000-4000-8000-000000000002';

function leasesOf(tracker: PeerLeaseHealthTracker, peerId: string) {
  return tracker.snapshot().find((s) => s.peerId === peerId)?.activeLeases ?? [];
}

describe('heartbeats with reused and mutated handle objects', () => {
  it('re-adds a released lease when the same handle object heart-beats again', () => {
    const tracker = new PeerLeaseHealthTracker({ clock: new ManualClock(T0) });
    const handle: PeerLeaseHandle = { sequenceId: 1, attempt: 1, leaseId: LEASE_1 };
    tracker.recordLeaseHeartbeat('w', handle);
    tracker.recordLeaseHeartbeat('w', handle);
    tracker.recordLeaseReleased('w', handle, false);
    expect(leasesOf(tracker, 'w')).toEqual([]);
    tracker.recordLeaseHeartbeat('w', handle);
    expect(leasesOf(tracker, 'w')).toEqual([{ sequenceId: 1, attempt: 1, leaseId: LEASE_1 }]);
  });

  it('shrunk counterexample: assign, heartbeat, requeued release, heartbeat with one handle object', () => {
    const tracker = new PeerLeaseHealthTracker({ clock: new ManualClock(T0) });
    const handle: PeerLeaseHandle = { sequenceId: 0, attempt: 0, leaseId: LEASE_1 };
    tracker.recordLeaseAssignment('w-2', handle);
    tracker.recordLeaseHeartbeat('w-2', handle);
    tracker.recordLeaseReleased('w-2', handle, true);
    tracker.recordLeaseHeartbeat('w-2', handle);
    expect(tracker.snapshot()).toEqual([
      expect.objectContaining({ activeAssignments: 1, pendingReassignments: 1, activeLeases: [{ sequenceId: 0, attempt: 0, leaseId: LEASE_1 }] }),
    ]);
  });

  it('adds the lease a handle object names after the caller changed it in place', () => {
    const tracker = new PeerLeaseHealthTracker({ clock: new ManualClock(T0) });
    const handle = { sequenceId: 1, attempt: 1, leaseId: LEASE_1 };
    tracker.recordLeaseHeartbeat('w', handle);
    handle.sequenceId = 2;
    handle.leaseId = LEASE_2;
    tracker.recordLeaseHeartbeat('w', handle);
    expect(leasesOf(tracker, 'w')).toEqual([
      { sequenceId: 1, attempt: 1, leaseId: LEASE_1 },
      { sequenceId: 2, attempt: 1, leaseId: LEASE_2 },
    ]);
  });

  it('validates a held handle object the caller made invalid in place, and changes nothing', () => {
    const tracker = new PeerLeaseHealthTracker({ clock: new ManualClock(T0) });
    const handle = { sequenceId: 1, attempt: 1, leaseId: LEASE_1 };
    tracker.recordLeaseHeartbeat('w', handle);
    const before = JSON.stringify(tracker.snapshot());
    handle.attempt = 1.5;
    expect(() => tracker.recordLeaseHeartbeat('w', handle)).toThrow(PeerHealthInputError);
    handle.attempt = 1;
    handle.sequenceId = -3;
    expect(() => tracker.recordLeaseHeartbeat('w', handle)).toThrow(/handle\.sequenceId/);
    expect(JSON.stringify(tracker.snapshot())).toBe(before);
  });

  it('keeps what was validated, not the caller object: a later change to it shows nowhere', () => {
    const tracker = new PeerLeaseHealthTracker({ clock: new ManualClock(T0) });
    const handle = { sequenceId: 1, attempt: 1, leaseId: LEASE_1.toUpperCase() };
    tracker.recordLeaseAssignment('w', handle);
    handle.sequenceId = 99;
    expect(leasesOf(tracker, 'w')).toEqual([{ sequenceId: 1, attempt: 1, leaseId: LEASE_1 }]);
  });

  it('re-adds a held lease when its peer was evicted between two heartbeats of the same object', () => {
    const clock = new ManualClock(T0);
    const tracker = new PeerLeaseHealthTracker({ clock, heartbeatGracePeriodMs: 1_000, retentionMs: 5_000 });
    const handle = { sequenceId: 1, attempt: 1, leaseId: LEASE_1 };
    tracker.recordLeaseHeartbeat('w', handle);
    clock.advance(5_001);
    expect(tracker.counts().trackedPeers).toBe(0);
    tracker.recordLeaseHeartbeat('w', handle);
    expect(leasesOf(tracker, 'w')).toEqual([{ sequenceId: 1, attempt: 1, leaseId: LEASE_1 }]);
  });

  it('the pending.count shortcut yields to a gossip write of the same key', () => {
    const tracker = new PeerLeaseHealthTracker({ clock: new ManualClock(T0) });
    tracker.recordLeaseHeartbeat('w', null, 4);
    tracker.recordGossip('w', { 'Pending.Count': 'stale' });
    tracker.recordLeaseHeartbeat('w', null, 4);
    expect(tracker.snapshot()[0]?.metadata).toEqual({ 'pending.count': '4' });
  });
});
