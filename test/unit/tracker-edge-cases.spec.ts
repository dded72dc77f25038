import {
  ManualClock,
  PeerHealthInputError,
  PeerLeaseHealthDiagnostics,
  PeerLeaseHealthTracker,
  serializeLeaseHealth,
  type PeerHealthTransition,
} from '@omnirelay/peer-health';
import { formatWireDate, NEVER_WIRE_DATE } from '@internal/peer-health/base/wire-date';
import { snapshotOf } from '../support/snapshots';

const held = { sequenceId: 1, attempt: 1, leaseId: '00000000-0000-4000-8000-000000000001' };

describe('tracker and diagnostics edge cases', () => {
  it('a heartbeat rewrites pending.count after gossip overwrote it, even with an unchanged count', () => {
    const tracker = new PeerLeaseHealthTracker({ clock: new ManualClock(0) });
    tracker.recordLeaseHeartbeat('w', undefined, 4);
    tracker.recordGossip('w', { 'pending.count': 'bogus' });
    tracker.recordLeaseHeartbeat('w', undefined, 4);
    expect(tracker.snapshot()[0]?.metadata['pending.count']).toBe('4');
  });

  it('counts a pending.count dropped by the entry limit, and retries it on the next heartbeat', () => {
    const tracker = new PeerLeaseHealthTracker({ clock: new ManualClock(0), metadataLimits: { maxEntriesPerPeer: 1 } });
    tracker.recordGossip('w', { a: 'x' });
    tracker.recordLeaseHeartbeat('w', undefined, 7);
    tracker.recordLeaseHeartbeat('w', undefined, 7);
    expect(tracker.anomalyCount('metadata-limit')).toBe(2);
  });

  it('rejects a malformed handle even when its lease id is already held', () => {
    const tracker = new PeerLeaseHealthTracker({ clock: new ManualClock(0) });
    tracker.recordLeaseAssignment('w', held);
    const bad = { sequenceId: 'x', attempt: -5, leaseId: held.leaseId } as unknown as typeof held;
    expect(() => tracker.recordLeaseHeartbeat('w', bad)).toThrow(PeerHealthInputError);
    expect(tracker.snapshot()[0]?.activeLeases).toEqual([held]);
  });

  it('skips provider entries with non-finite or negative numbers instead of serving invalid JSON', () => {
    const base = snapshotOf('ok');
    const bad = [
      { ...base, peerId: 'a', activeAssignments: Infinity },
      { ...base, peerId: 'b', pendingReassignments: Number.NaN },
      { ...base, peerId: 'c', pendingReassignments: -1 },
      { ...base, peerId: 'd', lastHeartbeat: Infinity },
      { ...base, peerId: 'e', activeLeases: [{ ...held, sequenceId: Number.NaN }] },
    ];
    const diagnostics = PeerLeaseHealthDiagnostics.fromSnapshots([base, ...bad]);
    expect(diagnostics.skippedSnapshots).toBe(5);
    expect(() => JSON.parse(serializeLeaseHealth(diagnostics)) as unknown).not.toThrow();
  });

  it('writes times outside years 0001-9999 as never', () => {
    expect(formatWireDate(253_402_300_800_000)).toBe(NEVER_WIRE_DATE);
    expect(formatWireDate(-62_135_596_800_001)).toBe(NEVER_WIRE_DATE);
    expect(formatWireDate(253_402_300_799_999)).toBe('9999-12-31T23:59:59.999+00:00');
  });

  it('re-serializes a custom provider object that changed in place', () => {
    const mutable = { ...snapshotOf('p') };
    expect(serializeLeaseHealth(PeerLeaseHealthDiagnostics.fromSnapshots([mutable]))).toContain('"isHealthy":true');
    mutable.isHealthy = false;
    const body = serializeLeaseHealth(PeerLeaseHealthDiagnostics.fromSnapshots([mutable]));
    expect(body).toContain('"isHealthy":false');
    expect(body).toContain('"unhealthyPeers":1');
  });

  it('never expires a peer that never heart-beat, however often it is touched', () => {
    const clock = new ManualClock(0);
    const tracker = new PeerLeaseHealthTracker({ heartbeatGracePeriodMs: 100, clock });
    const seen: PeerHealthTransition[] = [];
    tracker.onTransition((t) => seen.push(t));
    tracker.recordGossip('cp', { 'mesh.role': 'control-plane' });
    clock.advance(1000);
    tracker.recordGossip('cp', { 'mesh.role': 'control-plane', 'label.zone': 'a' });
    tracker.recordLeaseHeartbeat('cp');
    expect(seen).toEqual([]);
    expect(tracker.transitionCount('healthy', 'unhealthy')).toBe(0);
    expect(tracker.snapshot()[0]?.isHealthy).toBe(true);
  });

  it('tells listeners about expiries applied during a call that is then rejected', () => {
    const clock = new ManualClock(0);
    const tracker = new PeerLeaseHealthTracker({ heartbeatGracePeriodMs: 100, clock, timers: { schedule: () => ({ cancel: () => undefined }) } });
    const seen: PeerHealthTransition[] = [];
    tracker.onTransition((t) => seen.push(t));
    tracker.recordLeaseHeartbeat('w');
    clock.advance(500); // no timer fires: the injected timers never run
    expect(() => tracker.recordLeaseHeartbeat('')).toThrow(PeerHealthInputError);
    expect(seen.map((t) => t.reason)).toEqual(['heartbeat-expired']);
  });
});
