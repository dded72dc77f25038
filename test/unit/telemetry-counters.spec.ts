import { trackerCounters } from '../support/tracker-internals';
import { ManualClock, OVERFLOW_LABEL_VALUE, PeerLeaseHealthTracker } from '@omnirelay/peer-health';

const lease = { sequenceId: 1, attempt: 1, leaseId: '00000000-0000-4000-8000-000000000001' };

describe('event counters', () => {
  it('folds rpc_peer values past the cap into the overflow value', () => {
    const tracker = new PeerLeaseHealthTracker({ clock: new ManualClock(0), maxPeerLabelValues: 2 });
    for (const id of ['a', 'b', 'c', 'd']) tracker.recordLeaseHeartbeat(id);
    tracker.recordLeaseHeartbeat('c');
    const cells = Object.fromEntries([...trackerCounters(tracker).allCells()].map((cell) => [cell.rpcPeer, cell.heartbeats]));
    expect(cells).toEqual({ a: 1, b: 1, [OVERFLOW_LABEL_VALUE]: 3 });
  });

  it('caps distinct resource and reason label values', () => {
    const tracker = new PeerLeaseHealthTracker({ clock: new ManualClock(0), maxLabelValues: 1 });
    tracker.recordLeaseAssignment('a', lease, 'catalog', 'sku-1');
    tracker.recordLeaseAssignment('a', lease, 'invoice', 'sku-2');
    tracker.recordDisconnect('a', 'reset');
    tracker.recordDisconnect('a', 'timeout');
    const [cell] = trackerCounters(tracker).allCells();
    expect([...(cell?.assignments ?? [])].map(([type, ids]) => [type, Object.fromEntries(ids)])).toEqual([
      ['catalog', { 'sku-1': 1 }],
      [OVERFLOW_LABEL_VALUE, { [OVERFLOW_LABEL_VALUE]: 1 }],
    ]);
    expect(Object.fromEntries(cell?.disconnects ?? [])).toEqual({ reset: 1, [OVERFLOW_LABEL_VALUE]: 1 });
  });

  it('keeps counting an evicted peer that returns in its own cell', () => {
    const clock = new ManualClock(0);
    const tracker = new PeerLeaseHealthTracker({ clock, heartbeatGracePeriodMs: 500, retentionMs: 1000 });
    tracker.recordLeaseHeartbeat('a');
    clock.advance(5000);
    expect(tracker.counts().trackedPeers).toBe(0);
    tracker.recordLeaseHeartbeat('a');
    const cells = [...trackerCounters(tracker).allCells()].filter((c) => c.rpcPeer === 'a');
    expect(cells.map((c) => c.heartbeats)).toEqual([2]);
  });
});
