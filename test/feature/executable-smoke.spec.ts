import { hasNodeModulesAbove, startExecutable, type RunningHost } from '../support/executable-process';

describe('the single executable host (feature tier smoke)', () => {
  let host: RunningHost | undefined;
  afterEach(async () => {
    await host?.stop();
    host = undefined;
  });

  it('starts from an empty directory, serves lease health and metrics, and stops cleanly on SIGTERM', async () => {
    host = await startExecutable();
    expect(hasNodeModulesAbove(host.cwd)).toBe(false);

    const health = await fetch(`${host.url}/omnirelay/control/lease-health`);
    expect(health.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const body = (await health.json()) as { peers: Array<{ peerId: string; metadata: Record<string, string> }> };
    // The all-in-one role: itself (from gossip) and its in-process simulated workers.
    expect(body.peers.map((p) => p.peerId)).toEqual(expect.arrayContaining(['worker-1', 'worker-2', 'worker-quiet']));
    expect(body.peers.some((p) => p.metadata['mesh.role'] === 'all-in-one')).toBe(true);

    const metrics = await (await fetch(`${host.url}/metrics`)).text();
    expect(metrics).toMatch(/^omnirelay_peer_lease_healthy \d+$/m);

    const stopped = await host.stop();
    host = undefined;
    expect(stopped.signal === 'SIGTERM' || stopped.code === 0).toBe(true);
  }, 30_000);

  it('prints the URLs of lease health, metrics, peers, the dashboard and the leaders, and each answers 200', async () => {
    host = await startExecutable();
    const printed = new Map(
      [...host.output().matchAll(/(Lease health|Metrics|Peers|Dashboard|Leaders): +(http:\/\/\S+)/g)].map((m) => [m[1] ?? '', m[2] ?? '']),
    );
    expect([...printed.keys()].sort()).toEqual(['Dashboard', 'Leaders', 'Lease health', 'Metrics', 'Peers']);
    expect(printed.get('Dashboard')).toBe(`${host.url}/omnirelay/control/dashboard`);
    expect(printed.get('Leaders')).toBe(`${host.url}/control/leaders`);
    for (const [name, url] of printed) {
      const response = await fetch(url);
      await response.arrayBuffer();
      expect([name, response.status]).toEqual([name, 200]);
    }
  }, 30_000);
});
