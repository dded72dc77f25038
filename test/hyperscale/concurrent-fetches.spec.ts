import { startExecutable, type RunningHost } from '../support/executable-process';

interface Body {
  peers: Array<{ isHealthy: boolean; pendingReassignments: number; lastHeartbeat: string }>;
  summary: { eligiblePeers: number; unhealthyPeers: number; pendingReassignments: number };
}

describe('the single executable under fleet load', () => {
  let host: RunningHost | undefined;
  afterEach(async () => {
    await host?.stop();
    host = undefined;
  }, 30_000);

  it('answers 200 concurrent lease-health fetches while events stream in: consistent bodies, versions never going back', async () => {
    host = await startExecutable({
      args: ['--role', 'control-plane', '--node-id', 'cp-load', '--synthetic-peers', '20000', '--synthetic-rate', '100000'],
    });
    const url = `${host.url}/omnirelay/control/lease-health`;
    const versionOf = (etag: string | null): number | undefined => (etag ? Number(/\.(\d+)"$/.exec(etag)?.[1]) : undefined);
    let newestReceived = 0;
    const bodies: Body[] = [];
    const versions: number[] = [];
    // 200 fetches in flight at once: 20 clients, each fetching 10 times in a row.
    const client = async (): Promise<void> => {
      let previous = 0;
      for (let n = 0; n < 10; n++) {
        const newestBeforeSend = newestReceived;
        const response = await fetch(url);
        expect(response.status).toBe(200);
        const version = versionOf(response.headers.get('etag'));
        const body = (await response.json()) as Body;
        bodies.push(body);
        if (version === undefined) continue;
        versions.push(version);
        // Never older than what this client saw before, nor than anything fully received before it asked.
        expect(version).toBeGreaterThanOrEqual(previous);
        expect(version).toBeGreaterThanOrEqual(newestBeforeSend);
        previous = version;
        newestReceived = Math.max(newestReceived, version);
      }
    };
    await Promise.all(Array.from({ length: 20 }, client));
    expect(bodies).toHaveLength(200);
    for (const body of bodies) {
      expect(body.peers.length).toBeGreaterThanOrEqual(20_000);
      expect(body.summary.eligiblePeers).toBe(body.peers.filter((p) => p.isHealthy).length);
      expect(body.summary.unhealthyPeers).toBe(body.peers.filter((p) => !p.isHealthy).length);
      expect(body.summary.pendingReassignments).toBe(body.peers.reduce((n, p) => n + p.pendingReassignments, 0));
    }
    // The stream really moved the state while the fetches ran. (ETags come only with bodies rendered
    // without a change in between, which a fleet changing every 10 ms may never allow: not asserted.)
    const heartbeatsSeen = new Set(bodies.map((body) => body.peers.map((p) => p.lastHeartbeat).join()));
    expect(heartbeatsSeen.size).toBeGreaterThan(1);
  }, 120_000);
});
