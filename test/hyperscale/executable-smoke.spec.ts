import { startExecutable, warningLines, type RunningHost } from '../support/executable-process';

describe('the single executable host (hyperscale tier smoke)', () => {
  let host: RunningHost | undefined;
  afterEach(async () => {
    await host?.stop();
    host = undefined;
  });

  it('answers 200 concurrent lease-health fetches with consistent bodies and no warning', async () => {
    host = await startExecutable({ env: { HEARTBEAT_GRACE_MS: '60000' } });
    const url = `${host.url}/omnirelay/control/lease-health`;
    const bodies = await Promise.all(
      Array.from({ length: 200 }, async () => {
        const response = await fetch(url);
        expect(response.status).toBe(200);
        return (await response.json()) as {
          peers: Array<{ isHealthy: boolean; pendingReassignments: number }>;
          summary: { eligiblePeers: number; unhealthyPeers: number; pendingReassignments: number };
        };
      }),
    );
    for (const body of bodies) {
      expect(body.summary.eligiblePeers).toBe(body.peers.filter((p) => p.isHealthy).length);
      expect(body.summary.unhealthyPeers).toBe(body.peers.filter((p) => !p.isHealthy).length);
      expect(body.summary.pendingReassignments).toBe(body.peers.reduce((n, p) => n + p.pendingReassignments, 0));
    }
    await host.stop();
    expect(warningLines(host.output())).toEqual([]);
  }, 60_000);
});
