import { ManualClock, PeerLeaseHealthTracker } from '@omnirelay/peer-health';

const clock = new ManualClock(Date.UTC(2026, 10, 24));
const tracker = new PeerLeaseHealthTracker({ heartbeatGracePeriodMs: 5000, clock });
tracker.onTransition(({ peerId, from, to, at }) => {
  console.log(`${peerId}: ${from} -> ${to} at +${at - Date.UTC(2026, 10, 24)} ms`);
});

tracker.recordLeaseHeartbeat('w');
clock.advance(5000); // exactly the grace period: still healthy
console.log(`after 5000 ms: ${tracker.isPeerEligible('w') ? 'eligible' : 'not eligible'}`);
clock.advance(1); // the transition to unhealthy happens inside advance(), listeners included
console.log('advanced 1 ms more');
tracker.dispose();
