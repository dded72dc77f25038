import { trackerCounters } from '../support/tracker-internals';
import { ManualClock, PeerLeaseHealthTracker, recordGossipMember } from '@omnirelay/peer-health';

const T0 = 1_795_512_600_000;
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('concurrent producers', () => {
  it('interleaves gossip, lease events, leadership and snapshots without losing or mixing anything', async () => {
    const clock = new ManualClock(T0);
    const tracker = new PeerLeaseHealthTracker({ heartbeatGracePeriodMs: 60_000, clock });
    const peers = Array.from({ length: 50 }, (_, i) => `peer-${i}`);
    const rounds = 40;
    const expectedHeartbeats = new Map<string, number>();
    const snapshotsTaken: number[] = [];

    const gossip = async () => {
      for (let r = 0; r < rounds; r++) {
        for (const id of peers) recordGossipMember(tracker, { nodeId: id, role: 'worker', region: `r-${r}`, labels: { round: String(r) } });
        await tick();
      }
    };
    const leases = async () => {
      for (let r = 0; r < rounds; r++) {
        for (const [i, id] of peers.entries()) {
          const handle = { sequenceId: r * 1000 + i, attempt: 1, leaseId: `00000000-0000-4000-8000-${String(r * 1000 + i).padStart(12, '0')}` };
          tracker.recordLeaseAssignment(id, handle, 'catalog', `item-${r}`);
          tracker.recordLeaseHeartbeat(id, handle, r);
          expectedHeartbeats.set(id, (expectedHeartbeats.get(id) ?? 0) + 1);
          if (r % 2 === 1) tracker.recordLeaseReleased(id, handle, r % 4 === 1);
        }
        await tick();
      }
    };
    const leadership = async () => {
      for (let r = 0; r < rounds; r++) {
        const leader = peers[r % peers.length] ?? '';
        for (const id of peers) tracker.recordGossip(id, { 'mesh.leader.scope.global': id === leader ? 'leader' : 'follower' });
        if (r % 10 === 9) tracker.recordDisconnect(peers[r] ?? '', 'flap');
        await tick();
      }
    };
    const readers = async () => {
      for (let r = 0; r < rounds; r++) {
        const snapshot = tracker.snapshot();
        const counts = tracker.counts();
        // Each snapshot is consistent with the counts at the same instant.
        expect(snapshot.filter((s) => s.isHealthy).length).toBe(counts.eligiblePeers);
        expect(snapshot.reduce((n, s) => n + s.pendingReassignments, 0)).toBe(counts.pendingReassignments);
        snapshotsTaken.push(snapshot.length);
        clock.advance(10);
        await tick();
      }
    };

    await Promise.all([gossip(), leases(), leadership(), readers()]);

    const final = tracker.snapshot();
    expect(final).toHaveLength(peers.length);
    for (const snapshot of final) {
      // Latest metadata from every source is visible.
      expect(snapshot.metadata['label.round']).toBe(String(rounds - 1));
      expect(snapshot.metadata['mesh.region']).toBe(`r-${rounds - 1}`);
      expect(snapshot.metadata['pending.count']).toBe(String(rounds - 1));
      expect(snapshot.metadata['resource.id']).toBe(`item-${rounds - 1}`);
      // Odd rounds release their lease: 20 leases remain, the ones of even rounds.
      expect(snapshot.activeAssignments).toBe(rounds / 2);
    }
    const leader = peers[(rounds - 1) % peers.length];
    expect(final.find((s) => s.peerId === leader)?.metadata['mesh.leader.scope.global']).toBe('leader');
    let heartbeats = 0;
    for (const cell of trackerCounters(tracker).allCells()) heartbeats += cell.heartbeats;
    expect(heartbeats).toBe([...expectedHeartbeats.values()].reduce((a, b) => a + b, 0));
    // Requeued releases (r % 4 === 1: 10 per peer) minus reassignments that consumed them.
    const summary = tracker.counts();
    expect(summary.pendingReassignments).toBe(final.reduce((n, s) => n + s.pendingReassignments, 0));
    expect(snapshotsTaken.every((n) => n <= peers.length)).toBe(true);
  });
});
