import { startEtcdCluster, type EtcdCluster } from '../../support/etcd-process';
import { startExecutable, type RunningHost } from '../../support/executable-process';
import { pollUntil } from '../../support/poll';

/**
 * Attack 10 replayed: etcd killed with -9 under a dispatcher. The work API answers 503, and readiness
 * must say so (503 with the reason) so an orchestrator stops routing to a dispatcher that can do
 * nothing, while liveness stays 200 (restarting the process would not bring etcd back). After etcd
 * restarts on its data dir, readiness is 200 again and work flows.
 */
interface ReadyBody {
  status: string;
  error?: { store?: { status: string; reason?: string } };
  details: { store?: { status: string; store?: string; reason?: string } };
}

async function status(url: string, init?: RequestInit): Promise<{ status: number; body: unknown }> {
  const answer = await fetch(url, { ...init, signal: AbortSignal.timeout(5000) });
  const text = await answer.text();
  return { status: answer.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

const postJson = (url: string, body: unknown): Promise<{ status: number; body: unknown }> =>
  status(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('attack 10: the store unreachable', () => {
  let etcd: EtcdCluster;
  let host: RunningHost;

  beforeAll(async () => {
    etcd = await startEtcdCluster({ size: 1 });
    host = await startExecutable({
      args: ['--role', 'dispatcher', '--node-id', 'dispatcher-1'],
      env: { OMNIRELAY_STORE: 'etcd', OMNIRELAY_ETCD_ENDPOINTS: etcd.endpoints, PRODUCE_INTERVAL_MS: '0', GOSSIP_INTERVAL_MS: '200' },
      readyTimeoutMs: 30_000,
    });
  }, 60_000);

  afterAll(async () => {
    await host.stop();
    await etcd.stop();
  }, 30_000);

  it('readiness answers 503 with the reason while etcd is down, liveness 200, and readiness 200 again after the restart', async () => {
    const { value: before } = await pollUntil(
      'ready 200 with the store up',
      async () => {
        const answer = await status(`${host.url}/health/ready`);
        return answer.status === 200 ? (answer.body as ReadyBody) : undefined;
      },
      20_000,
      100,
    );
    expect(before.details.store).toEqual({ status: 'up', store: 'etcd' });

    const member = etcd.members[0];
    if (!member) throw new Error('no etcd member');
    await member.kill('SIGKILL');

    const { value: refused } = await pollUntil(
      'the work API refusing with 503',
      async () => {
        const answer = await postJson(`${host.url}/control/work`, { resourceType: 'job', resourceId: 'while-down' });
        return answer.status === 503 ? answer : undefined;
      },
      10_000,
      100,
    );
    expect(refused.body).toMatchObject({ error: 'store-unavailable' });

    const { value: notReady } = await pollUntil(
      'ready 503 naming the store',
      async () => {
        const answer = await status(`${host.url}/health/ready`);
        return answer.status === 503 ? (answer.body as ReadyBody) : undefined;
      },
      10_000,
      100,
    );
    expect(notReady.status).toBe('error');
    expect(notReady.error?.store?.status).toBe('down');
    expect(notReady.error?.store?.reason).toMatch(/^etcd unreachable: /);
    expect((await status(`${host.url}/health/live`)).status).toBe(200);

    await member.restart();
    const { value: back } = await pollUntil(
      'ready 200 after etcd came back',
      async () => {
        const answer = await status(`${host.url}/health/ready`);
        return answer.status === 200 ? (answer.body as ReadyBody) : undefined;
      },
      20_000,
      100,
    );
    expect(back.details.store?.status).toBe('up');
    const accepted = await postJson(`${host.url}/control/work`, { resourceType: 'job', resourceId: 'after-restart' });
    expect(accepted.status).toBe(201);
    expect((await status(`${host.url}/health/live`)).status).toBe(200);
  }, 90_000);
});
