import { PeerLeaseHealthDiagnostics, PeerLeaseHealthTracker, serializeLeaseHealth } from '@omnirelay/peer-health';

const tracker = new PeerLeaseHealthTracker({ heartbeatGracePeriodMs: 5000 });
tracker.recordLeaseHeartbeat('worker-1');
const body = serializeLeaseHealth(PeerLeaseHealthDiagnostics.fromSnapshots(tracker.snapshot()));
console.log(body);
tracker.dispose();
