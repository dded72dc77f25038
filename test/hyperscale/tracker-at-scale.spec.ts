import { trackerCounters } from '../support/tracker-internals';
import { text } from 'node:stream/consumers';
import {
  ManualClock,
  PeerHealthDiagnosticsService,
  PeerLeaseHealthTracker,
  type PeerLeaseHandle,
} from '@omnirelay/peer-health';
import { applyGoldenEvent, loadGolden } from '../support/golden';

const PEERS = 100_000;
const EVENTS = 3_000_000;
const lease = (n: number): PeerLeaseHandle => ({ sequenceId: n, attempt: 1, leaseId: `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}` });

describe('the tracker at fleet scale', () => {
  it('takes 100,000 peers and 3 million mixed events without losing one: the summary equals a recount', () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 24));
    const tracker = new PeerLeaseHealthTracker({ clock, heartbeatGracePeriodMs: 60_000, maxPeerLabelValues: 1000 });
    const ids = Array.from({ length: PEERS }, (_, i) => `peer-${i}`);
    const held = Array.from({ length: PEERS }, (_, i) => lease(i + 1));
    let nextSequence = PEERS + 1;
    const sent = { heartbeats: 0, assignments: 0, releases: 0, requeued: 0, disconnects: 0, gossip: 0 };
    for (let i = 0; i < PEERS; i++) {
      tracker.recordLeaseAssignment(ids[i] ?? '', held[i] ?? lease(1), 'catalog', 'x');
      sent.assignments++;
    }
    for (let n = 0; n < EVENTS; n++) {
      const i = (n * 7919) % PEERS;
      const id = ids[i] ?? '';
      const roll = n % 100;
      if (roll < 80) {
        tracker.recordLeaseHeartbeat(id, held[i], n % 7);
        sent.heartbeats++;
      } else if (roll < 88) {
        const requeue = n % 2 === 0;
        tracker.recordLeaseReleased(id, held[i] ?? lease(1), requeue);
        sent.releases++;
        if (requeue) sent.requeued++;
        const next = lease(nextSequence++);
        held[i] = next;
        tracker.recordLeaseAssignment(id, next, 'catalog', 'x');
        sent.assignments++;
      } else if (roll < 96) {
        tracker.recordGossip(id, { 'mesh.role': 'worker', 'label.round': String(n % 5) });
        sent.gossip++;
      } else {
        tracker.recordDisconnect(id, 'reset');
        sent.disconnects++;
      }
      if (n % 100_000 === 0) clock.advance(50);
    }

    const snapshot = tracker.snapshot();
    const counts = tracker.counts();
    expect(snapshot).toHaveLength(PEERS);
    expect(counts.trackedPeers).toBe(PEERS);
    expect(counts.eligiblePeers).toBe(snapshot.filter((s) => s.isHealthy).length);
    expect(counts.unhealthyPeers).toBe(snapshot.filter((s) => !s.isHealthy).length);
    expect(counts.pendingReassignments).toBe(snapshot.reduce((sum, s) => sum + s.pendingReassignments, 0));
    expect(snapshot.every((s) => s.activeAssignments === 1)).toBe(true);

    let heartbeats = 0;
    let assignments = 0;
    let releases = 0;
    let requeued = 0;
    let disconnects = 0;
    for (const cell of trackerCounters(tracker).allCells()) {
      heartbeats += cell.heartbeats;
      releases += cell.releases;
      requeued += cell.requeuedReleases;
      for (const byId of cell.assignments.values()) for (const n of byId.values()) assignments += n;
      for (const n of cell.disconnects.values()) disconnects += n;
    }
    expect({ heartbeats, assignments, releases, requeued, disconnects, gossip: trackerCounters(tracker).gossipUpdates }).toEqual(sent);
    expect(tracker.anomalyCount('unknown-lease-release')).toBe(0);
    tracker.dispose();
  }, 120_000);

  it('still serves every golden scenario byte for byte through the renderer', async () => {
    const golden = loadGolden();
    for (const scenario of golden.scenarios) {
      const clock = new ManualClock(golden.epochMs);
      const tracker = new PeerLeaseHealthTracker({ clock, heartbeatGracePeriodMs: scenario.graceMs });
      const service = new PeerHealthDiagnosticsService([tracker], tracker, { providerTimeoutMs: 1000, telemetry: { enabled: false, registry: undefined } });
      for (const event of scenario.events) {
        clock.set(golden.epochMs + event.at);
        applyGoldenEvent(tracker, event);
      }
      clock.set(golden.epochMs + scenario.queryAt);
      const { body } = await service.render();
      const served = body === undefined || typeof body === 'string' || Buffer.isBuffer(body) ? String(body) : await text(body);
      expect({ name: scenario.name, body: served }).toEqual({ name: scenario.name, body: JSON.stringify(scenario.expected) });
      tracker.dispose();
    }
  });

  it('keeps the tracked count bounded while 1,000,000 peer ids churn through with retention on', () => {
    const clock = new ManualClock(0);
    const tracker = new PeerLeaseHealthTracker({ clock, retentionMs: 1000, heartbeatGracePeriodMs: 500 });
    let maxTracked = 0;
    for (let i = 0; i < 1_000_000; i++) {
      tracker.recordLeaseHeartbeat(`churn-${i}`);
      clock.advance(0.1);
      if (i % 1000 === 0) maxTracked = Math.max(maxTracked, tracker.counts().trackedPeers);
    }
    // 10,000 ids fall within one retention period; eviction runs in buckets of 1% of it.
    expect(maxTracked).toBeLessThanOrEqual(10_000 + 100 + 10);
    expect(tracker.counts().trackedPeers).toBeLessThanOrEqual(10_110);
    expect(tracker.transitionCount('healthy', 'evicted') + tracker.transitionCount('unhealthy', 'evicted')).toBeGreaterThan(980_000);
    tracker.dispose();
  }, 120_000);
});
