import { startExecutable, type RunningHost } from '../support/executable-process';

describe('the demo host serves Terminus probes', () => {
  let host: RunningHost | undefined;
  afterAll(async () => {
    await host?.stop();
  });

  it('/health/live is up; /health/ready reports the peer health indicator', async () => {
    host = await startExecutable();
    const live = await fetch(`${host.url}/health/live`);
    expect(live.status).toBe(200);
    expect(((await live.json()) as { status: string }).status).toBe('ok');
    const ready = await fetch(`${host.url}/health/ready`);
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as { status: string; details: { peers: { status: string; healthy: number; total: number } } };
    expect(body.status).toBe('ok');
    expect(body.details.peers.status).toBe('up');
    expect(body.details.peers.healthy).toBeGreaterThanOrEqual(1);
  }, 30_000);
});
