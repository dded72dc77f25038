import { PeerLeaseHealthTracker } from '@omnirelay/peer-health';

const tracker = new PeerLeaseHealthTracker({ heartbeatGracePeriodMs: 5000 });

// One recorder per connection: each event skips the id check and the peer lookup.
const worker = tracker.peer('worker-1');
const lease = { sequenceId: 1, attempt: 1, leaseId: '00000000-0000-4000-8000-000000000001' };
worker.assign(lease, 'catalog', 'sku-42');
worker.heartbeat(lease, 3);
worker.release(lease, true);

const [snapshot] = tracker.snapshot();
console.log(`${worker.peerId}: ${snapshot?.activeAssignments ?? 0} leases, ${snapshot?.pendingReassignments ?? 0} pending, pending.count ${snapshot?.metadata['pending.count'] ?? '-'}`);
tracker.dispose();
