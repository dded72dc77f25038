import { PeerLeaseHealthTracker } from '@omnirelay/peer-health';

const tracker = new PeerLeaseHealthTracker({ heartbeatGracePeriodMs: 5000 });
const off = tracker.onTransition(({ peerId, from, to, reason }) => {
  console.log(`${peerId}: ${from} -> ${to} (${reason})`);
});

tracker.recordLeaseHeartbeat('worker-1'); // a first status is not a transition
tracker.recordDisconnect('worker-1', 'connection-reset');
tracker.recordLeaseHeartbeat('worker-1');

off();
tracker.dispose();
