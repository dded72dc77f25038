import {
  ManualClock,
  PeerLeaseHealthDiagnostics,
  PeerLeaseHealthTracker,
  serializeLeaseHealth,
  type PeerLeaseHealthSnapshot,
} from '@omnirelay/peer-health';
import { snapshotOf as snap } from '../support/snapshots';

const T0 = 1_795_512_600_000;


const leaseN = (n: number) => ({ sequenceId: n, attempt: 1, leaseId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}` });

describe('PeerLeaseHealthDiagnostics.fromSnapshots', () => {
  it.each([
    ['an empty array', []],
    ['null', null],
    ['undefined', undefined],
  ])('serves an empty view for %s', (_label, input) => {
    const diagnostics = PeerLeaseHealthDiagnostics.fromSnapshots(input);
    expect(serializeLeaseHealth(diagnostics)).toBe(
      '{"peers":[],"summary":{"eligiblePeers":0,"unhealthyPeers":0,"pendingReassignments":0}}',
    );
  });

  it('skips null, undefined and malformed entries and counts them', () => {
    const malformed = [null, undefined, { peerId: 7 }, { ...snap('x'), isHealthy: 'yes' }, { ...snap('y'), activeLeases: [{}] }];
    const diagnostics = PeerLeaseHealthDiagnostics.fromSnapshots([snap('ok'), ...(malformed as unknown as PeerLeaseHealthSnapshot[])]);
    expect(diagnostics.peers.map((p) => p.peerId)).toEqual(['ok']);
    expect(diagnostics.skippedSnapshots).toBe(5);
  });

  it('sorts peers by peer id, ordinally', () => {
    const diagnostics = PeerLeaseHealthDiagnostics.fromSnapshots(['b', 'B', 'a', 'a-1', 'A'].map((id) => snap(id)));
    expect(diagnostics.peers.map((p) => p.peerId)).toEqual(['A', 'B', 'a', 'a-1', 'b']);
  });

  it('summarizes eligible, unhealthy and pending counts', () => {
    const diagnostics = PeerLeaseHealthDiagnostics.fromSnapshots([
      snap('a', { pendingReassignments: 2 }),
      snap('b', { isHealthy: false, pendingReassignments: 1 }),
      snap('c'),
    ]);
    expect(diagnostics.summary).toEqual({ eligiblePeers: 2, unhealthyPeers: 1, pendingReassignments: 3 });
  });

  describe('merging entries of one peer id from several providers', () => {
    it('is healthy only if every source says healthy', () => {
      const merged = PeerLeaseHealthDiagnostics.fromSnapshots([snap('p'), snap('p', { isHealthy: false })]);
      expect(merged.peers).toHaveLength(1);
      expect(merged.peers[0]?.isHealthy).toBe(false);
      expect(merged.summary).toEqual({ eligiblePeers: 0, unhealthyPeers: 1, pendingReassignments: 0 });
    });

    it('takes the latest heartbeat and the latest disconnect', () => {
      const merged = PeerLeaseHealthDiagnostics.fromSnapshots([
        snap('p', { lastHeartbeat: 5, lastDisconnect: null }),
        snap('p', { lastHeartbeat: 9, lastDisconnect: 3 }),
        snap('p', { lastHeartbeat: null, lastDisconnect: 1 }),
      ]).peers[0];
      expect(merged?.lastHeartbeat).toBe(9);
      expect(merged?.lastDisconnect).toBe(3);
    });

    it('unites leases by lease id and sorts them', () => {
      const merged = PeerLeaseHealthDiagnostics.fromSnapshots([
        snap('p', { activeLeases: [leaseN(3), leaseN(1)], activeAssignments: 2 }),
        snap('p', { activeLeases: [leaseN(1), leaseN(2)], activeAssignments: 2 }),
      ]).peers[0];
      expect(merged?.activeLeases.map((l) => l.sequenceId)).toEqual([1, 2, 3]);
      expect(merged?.activeAssignments).toBe(3);
    });

    it('sums pending reassignments', () => {
      const merged = PeerLeaseHealthDiagnostics.fromSnapshots([
        snap('p', { pendingReassignments: 2 }),
        snap('p', { pendingReassignments: 3 }),
      ]);
      expect(merged.peers[0]?.pendingReassignments).toBe(5);
      expect(merged.summary.pendingReassignments).toBe(5);
    });

    it('unites metadata, the earlier provider winning a key conflict, case-insensitively', () => {
      const merged = PeerLeaseHealthDiagnostics.fromSnapshots([
        snap('p', { metadata: { 'mesh.role': 'worker', a: '1' } }),
        snap('q'),
        snap('p', { metadata: { 'Mesh.Role': 'gateway', b: '2' } }),
      ]).peers[0];
      expect({ ...merged?.metadata }).toEqual({ 'mesh.role': 'worker', a: '1', b: '2' });
    });
  });

  it('handles 100,000 peers from two providers, merging the overlap', () => {
    const first: PeerLeaseHealthSnapshot[] = [];
    const second: PeerLeaseHealthSnapshot[] = [];
    for (let i = 0; i < 100_000; i++) {
      first.push(snap(`peer-${i}`, { isHealthy: i % 10 !== 0, pendingReassignments: 1 }));
      if (i % 2 === 0) second.push(snap(`peer-${i}`, { metadata: { 'transport.rtt': String(i) } }));
    }
    const diagnostics = PeerLeaseHealthDiagnostics.fromSnapshots([...first, ...second]);
    expect(diagnostics.peers).toHaveLength(100_000);
    expect(diagnostics.summary).toEqual({ eligiblePeers: 90_000, unhealthyPeers: 10_000, pendingReassignments: 100_000 });
    for (let i = 1; i < diagnostics.peers.length; i++) {
      expect((diagnostics.peers[i - 1]?.peerId ?? '') < (diagnostics.peers[i]?.peerId ?? '')).toBe(true);
    }
    const body = JSON.parse(serializeLeaseHealth(diagnostics)) as { peers: unknown[] };
    expect(body.peers).toHaveLength(100_000);
  });

  it('filter() restricts the peers and recounts the summary', () => {
    const diagnostics = PeerLeaseHealthDiagnostics.fromSnapshots([snap('a'), snap('b', { isHealthy: false, pendingReassignments: 4 })]);
    const unhealthy = diagnostics.filter((p) => !p.isHealthy);
    expect(unhealthy.peers.map((p) => p.peerId)).toEqual(['b']);
    expect(unhealthy.summary).toEqual({ eligiblePeers: 0, unhealthyPeers: 1, pendingReassignments: 4 });
  });
});

describe('serializeLeaseHealth', () => {
  it('writes exactly the wire keys in order, omits lastDisconnect when there was none', () => {
    const body = serializeLeaseHealth(
      PeerLeaseHealthDiagnostics.fromSnapshots([
        snap('w', { lastHeartbeat: Date.UTC(2026, 10, 24, 9, 30, 1, 250), activeLeases: [leaseN(1)], activeAssignments: 1, metadata: { 'pending.count': '4' } }),
      ]),
    );
    expect(body).toBe(
      '{"peers":[{"peerId":"w","lastHeartbeat":"2026-11-24T09:30:01.25+00:00","isHealthy":true,"activeAssignments":1,' +
        '"pendingReassignments":0,"activeLeases":[{"sequenceId":1,"attempt":1,"leaseId":"00000000-0000-4000-8000-000000000001"}],' +
        '"metadata":{"pending.count":"4"}}],"summary":{"eligiblePeers":1,"unhealthyPeers":0,"pendingReassignments":0}}',
    );
  });

  it('sorts metadata keys case-insensitively even when they look like integers', () => {
    const body = serializeLeaseHealth(
      PeerLeaseHealthDiagnostics.fromSnapshots([snap('w', { metadata: { b: '1', '10': 'x', '2': 'y', A: '3', _z: '4' } })]),
    );
    expect(body).toContain('"metadata":{"10":"x","2":"y","A":"3","b":"1","_z":"4"}');
  });

  it('escapes strings as JSON and lower-cases lease ids from custom providers', () => {
    const body = serializeLeaseHealth(
      PeerLeaseHealthDiagnostics.fromSnapshots([
        snap('we"ird\n', {
          activeLeases: [{ sequenceId: 2, attempt: 0, leaseId: 'ABCDEF00-0000-4000-8000-000000000001' }, leaseN(1)],
          metadata: { 'k"': 'v\\' },
        }),
      ]),
    );
    const parsed = JSON.parse(body) as { peers: Array<{ peerId: string; activeLeases: Array<{ leaseId: string }>; metadata: Record<string, string> }> };
    expect(parsed.peers[0]?.peerId).toBe('we"ird\n');
    expect(parsed.peers[0]?.activeLeases.map((l) => l.leaseId)).toEqual([leaseN(1).leaseId, 'abcdef00-0000-4000-8000-000000000001']);
    expect(parsed.peers[0]?.metadata).toEqual({ 'k"': 'v\\' });
  });

  it('gives byte-equal bodies for equal state, and reflects a change after it', () => {
    const clock = new ManualClock(T0);
    const tracker = new PeerLeaseHealthTracker({ clock });
    tracker.recordLeaseAssignment('a', leaseN(1), 'catalog', 'sku');
    tracker.recordGossip('b', { x: '1' });
    const render = () => serializeLeaseHealth(PeerLeaseHealthDiagnostics.fromSnapshots(tracker.snapshot()));
    const first = render();
    expect(render()).toBe(first);
    tracker.recordGossip('b', { x: '2' });
    const second = render();
    expect(second).not.toBe(first);
    expect(second).toContain('"x":"2"');
  });
});
