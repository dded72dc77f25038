import { ManualClock, PeerLeaseHealthTracker } from '@omnirelay/peer-health';
import { SyntheticFleetService } from '../../dist/apps/control-plane/roles/simulation/synthetic-fleet.service';
import { pollUntil } from '../support/poll';

describe('the synthetic fleet', () => {
  it('churns at any rate: some peers disconnect and recover, so the event stream carries transitions', async () => {
    const tracker = new PeerLeaseHealthTracker({ heartbeatGracePeriodMs: 600_000, clock: new ManualClock(Date.UTC(2026, 10, 27)) });
    const seen: string[] = [];
    tracker.onTransition(({ from, to, reason }) => seen.push(`${from}->${to}:${reason}`));
    // 2,000 events/s is 20 per 10 ms tick: fewer than the 499 events between two disconnects.
    const fleet = new SyntheticFleetService(tracker, { peers: 200, eventsPerSecond: 2000 });
    fleet.onApplicationBootstrap();
    try {
      const { value } = await pollUntil(
        'a synthetic peer to disconnect and recover',
        () => Promise.resolve(seen.includes('healthy->unhealthy:disconnect') && seen.some((t) => t.startsWith('unhealthy->healthy')) ? seen : undefined),
        20_000,
      );
      expect(value).toContain('healthy->unhealthy:disconnect');
    } finally {
      fleet.onModuleDestroy();
    }
  });
});
