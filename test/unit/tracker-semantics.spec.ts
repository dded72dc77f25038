import { ManualClock, PeerLeaseHealthTracker, type PeerLeaseHealthSnapshot } from '@omnirelay/peer-health';

const T0 = 1_795_512_600_000;
const lease = (n: number, attempt = 1) => ({
  sequenceId: n,
  attempt,
  leaseId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
});

function setup(graceMs = 30_000) {
  const clock = new ManualClock(T0);
  const tracker = new PeerLeaseHealthTracker({ heartbeatGracePeriodMs: graceMs, clock });
  const peer = (id: string): PeerLeaseHealthSnapshot => {
    const found = tracker.snapshot().find((s) => s.peerId === id);
    if (!found) throw new Error(`peer ${id} not tracked`);
    return found;
  };
  return { clock, tracker, peer };
}

describe('PeerLeaseHealthTracker semantics (seed system)', () => {
  describe('assignment', () => {
    it('adds the lease and sets last heartbeat to now', () => {
      const { clock, tracker, peer } = setup();
      clock.advance(1500);
      tracker.recordLeaseAssignment('w', lease(1));
      expect(peer('w').activeLeases).toEqual([lease(1)]);
      expect(peer('w').activeAssignments).toBe(1);
      expect(peer('w').lastHeartbeat).toBe(T0 + 1500);
    });

    it('clears the disconnected flag', () => {
      const { tracker, peer } = setup();
      tracker.recordDisconnect('w', 'reset');
      expect(peer('w').isHealthy).toBe(false);
      tracker.recordLeaseAssignment('w', lease(1));
      expect(peer('w').isHealthy).toBe(true);
    });

    it('sets resource.type and resource.id metadata when given, and not when omitted', () => {
      const { tracker, peer } = setup();
      tracker.recordLeaseAssignment('a', lease(1), 'catalog', 'sku-1');
      tracker.recordLeaseAssignment('b', lease(2));
      expect({ ...peer('a').metadata }).toEqual({ 'resource.id': 'sku-1', 'resource.type': 'catalog' });
      expect({ ...peer('b').metadata }).toEqual({});
    });

    it('decrements pending reassignments only while above zero', () => {
      const { tracker, peer } = setup();
      tracker.recordLeaseAssignment('w', lease(1));
      tracker.recordLeaseReleased('w', lease(1), true);
      expect(peer('w').pendingReassignments).toBe(1);
      tracker.recordLeaseAssignment('w', lease(2));
      expect(peer('w').pendingReassignments).toBe(0);
      tracker.recordLeaseAssignment('w', lease(3));
      expect(peer('w').pendingReassignments).toBe(0);
    });
  });

  describe('release', () => {
    it('removes the lease and sets last heartbeat to now', () => {
      const { clock, tracker, peer } = setup();
      tracker.recordLeaseAssignment('w', lease(1));
      tracker.recordLeaseAssignment('w', lease(2));
      clock.advance(700);
      tracker.recordLeaseReleased('w', lease(1), false);
      expect(peer('w').activeLeases).toEqual([lease(2)]);
      expect(peer('w').lastHeartbeat).toBe(T0 + 700);
    });

    it('increments pending reassignments only when requeued', () => {
      const { tracker, peer } = setup();
      tracker.recordLeaseAssignment('w', lease(1));
      tracker.recordLeaseAssignment('w', lease(2));
      tracker.recordLeaseReleased('w', lease(1), false);
      expect(peer('w').pendingReassignments).toBe(0);
      tracker.recordLeaseReleased('w', lease(2), true);
      expect(peer('w').pendingReassignments).toBe(1);
    });

    it('does not clear the disconnected flag', () => {
      const { tracker, peer } = setup();
      tracker.recordLeaseAssignment('w', lease(1));
      tracker.recordDisconnect('w');
      tracker.recordLeaseReleased('w', lease(1), true);
      expect(peer('w').isHealthy).toBe(false);
    });
  });

  describe('heartbeat', () => {
    it('sets last heartbeat to now and clears disconnected', () => {
      const { clock, tracker, peer } = setup();
      tracker.recordDisconnect('w');
      clock.advance(250);
      tracker.recordLeaseHeartbeat('w');
      expect(peer('w').lastHeartbeat).toBe(T0 + 250);
      expect(peer('w').isHealthy).toBe(true);
    });

    it("adds the handle's lease when it is not active yet, once", () => {
      const { tracker, peer } = setup();
      tracker.recordLeaseHeartbeat('w', lease(4));
      tracker.recordLeaseHeartbeat('w', lease(4));
      expect(peer('w').activeLeases).toEqual([lease(4)]);
    });

    it('writes pending.count as a decimal string when given', () => {
      const { tracker, peer } = setup();
      tracker.recordLeaseHeartbeat('w', undefined, 12);
      expect(peer('w').metadata['pending.count']).toBe('12');
      tracker.recordLeaseHeartbeat('w', undefined, 0);
      expect(peer('w').metadata['pending.count']).toBe('0');
      tracker.recordLeaseHeartbeat('w');
      expect(peer('w').metadata['pending.count']).toBe('0');
    });
  });

  describe('disconnect', () => {
    it('sets last disconnect to now and marks the peer unhealthy', () => {
      const { clock, tracker, peer } = setup();
      tracker.recordLeaseHeartbeat('w');
      clock.advance(123);
      tracker.recordDisconnect('w', 'gossip-left');
      expect(peer('w').lastDisconnect).toBe(T0 + 123);
      expect(peer('w').isHealthy).toBe(false);
    });

    it('sets disconnect.reason only when the reason is not blank', () => {
      const { tracker, peer } = setup();
      tracker.recordDisconnect('a', 'connection-reset');
      tracker.recordDisconnect('b', '   ');
      tracker.recordDisconnect('c');
      expect(peer('a').metadata['disconnect.reason']).toBe('connection-reset');
      expect(Object.keys(peer('b').metadata)).toEqual([]);
      expect(Object.keys(peer('c').metadata)).toEqual([]);
    });
  });

  describe('gossip', () => {
    it('merges entries into existing metadata, newest value winning', () => {
      const { tracker, peer } = setup();
      tracker.recordGossip('cp', { 'mesh.role': 'control-plane', 'mesh.region': 'a' });
      tracker.recordGossip('cp', new Map([['mesh.region', 'b']]));
      expect({ ...peer('cp').metadata }).toEqual({ 'mesh.region': 'b', 'mesh.role': 'control-plane' });
    });

    it('skips blank keys and null or undefined values', () => {
      const { tracker, peer } = setup();
      const metadata = { '': 'x', '  ': 'y', 'a.null': null, 'a.undefined': undefined, kept: 'v' } as unknown as Record<
        string,
        string
      >;
      tracker.recordGossip('cp', metadata);
      expect({ ...peer('cp').metadata }).toEqual({ kept: 'v' });
      expect(tracker.anomalyCount('metadata-invalid')).toBe(0);
    });

    it('does not change health', () => {
      const { clock, tracker, peer } = setup(1000);
      tracker.recordLeaseHeartbeat('w');
      clock.advance(2000);
      tracker.recordGossip('w', { 'mesh.role': 'worker' });
      expect(peer('w').isHealthy).toBe(false);
    });
  });

  describe('health', () => {
    it('a peer that never heartbeated and is not disconnected is healthy', () => {
      const { clock, tracker, peer } = setup(1000);
      tracker.recordGossip('cp', { a: 'b' });
      clock.advance(3_000_000);
      expect(peer('cp').isHealthy).toBe(true);
      expect(peer('cp').lastHeartbeat).toBeNull();
    });

    it('is healthy at exactly the grace period and unhealthy one millisecond later', () => {
      const { clock, tracker, peer } = setup(5000);
      tracker.recordLeaseHeartbeat('w');
      clock.advance(5000);
      expect(peer('w').isHealthy).toBe(true);
      clock.advance(1);
      expect(peer('w').isHealthy).toBe(false);
    });

    it('a disconnected peer is unhealthy even right after a heartbeat-less disconnect', () => {
      const { tracker, peer } = setup();
      tracker.recordDisconnect('w');
      expect(peer('w').isHealthy).toBe(false);
    });

    it('a peer the tracker has never seen is eligible; known peers are eligible only when healthy', () => {
      const { clock, tracker } = setup(1000);
      expect(tracker.isPeerEligible('stranger')).toBe(true);
      tracker.recordLeaseHeartbeat('w');
      expect(tracker.isPeerEligible('w')).toBe(true);
      clock.advance(1001);
      expect(tracker.isPeerEligible('w')).toBe(false);
    });
  });

  describe('snapshots', () => {
    it('evaluate isHealthy at the clock time the snapshot is taken', () => {
      const { clock, tracker } = setup(1000);
      tracker.recordLeaseHeartbeat('w');
      const before = tracker.snapshot();
      clock.advance(1001);
      const after = tracker.snapshot();
      expect(before[0]?.isHealthy).toBe(true);
      expect(after[0]?.isHealthy).toBe(false);
    });

    it('are immutable: later events never change a snapshot already returned', () => {
      const { clock, tracker } = setup();
      tracker.recordLeaseAssignment('w', lease(1), 'catalog', 'sku-1');
      const [taken] = tracker.snapshot();
      const copy = JSON.stringify(taken);
      clock.advance(10);
      tracker.recordLeaseAssignment('w', lease(2), 'invoice', 'inv-2');
      tracker.recordGossip('w', { 'mesh.role': 'worker' });
      tracker.recordDisconnect('w', 'bye');
      expect(JSON.stringify(taken)).toBe(copy);
      expect(Object.isFrozen(taken)).toBe(true);
      expect(Object.isFrozen(taken?.activeLeases)).toBe(true);
      expect(Object.isFrozen(taken?.metadata)).toBe(true);
      expect(() => (taken?.activeLeases as unknown as unknown[]).push(lease(9))).toThrow(TypeError);
    });

    it('list leases by sequenceId, then attempt, then leaseId, and store lease ids in lower case', () => {
      const { tracker } = setup();
      tracker.recordLeaseAssignment('w', { sequenceId: 2, attempt: 1, leaseId: 'AAAAAAAA-0000-4000-8000-000000000001' });
      tracker.recordLeaseAssignment('w', { sequenceId: 1, attempt: 2, leaseId: '00000000-0000-4000-8000-000000000002' });
      tracker.recordLeaseAssignment('w', { sequenceId: 1, attempt: 1, leaseId: '00000000-0000-4000-8000-000000000003' });
      expect(tracker.snapshot()[0]?.activeLeases.map((l) => [l.sequenceId, l.attempt, l.leaseId])).toEqual([
        [1, 1, '00000000-0000-4000-8000-000000000003'],
        [1, 2, '00000000-0000-4000-8000-000000000002'],
        [2, 1, 'aaaaaaaa-0000-4000-8000-000000000001'],
      ]);
    });
  });
});
