import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startExecutable, type RunningHost } from '../../support/executable-process';
import { exchange, figures, rssMb, writeTokensFile, SIGNED_GOSSIP_ENV } from '../../support/attack-replay';
import { openSse, type SseConnection } from '../../support/sse-client';

/**
 * Attack 8 of issue 17: one reader token holding every event-stream slot, and a Last-Event-ID from
 * the future, replayed against the single executable (256 watchers in all, 16 per token).
 */

const HOARDER = 'attack-replay-reader-hoarder-5d2a8f1c9e3b7046';
const OPERATOR = 'attack-replay-reader-operator-8c4e1a7d3f9b2065';
const EVENTS = '/omnirelay/control/lease-health/events';
const folder = mkdtempSync(join(tmpdir(), 'omnirelay-attack-events-'));
const tokensFile = writeTokensFile(folder, [
  { token: HOARDER, role: 'reader' },
  { token: OPERATOR, role: 'reader' },
]);
let host: RunningHost;
const streams: SseConnection[] = [];

beforeAll(async () => {
  host = await startExecutable({
    args: ['--role', 'control-plane', '--node-id', 'cp-events', '--auth-tokens-file', tokensFile],
    env: SIGNED_GOSSIP_ENV,
    ready: async (url) => (await exchange(`${url}/control/peers`, { headers: { authorization: `Bearer ${OPERATOR}` } })).status === 200,
  });
}, 30_000);

afterAll(async () => {
  for (const stream of streams.splice(0)) stream.close();
  await host?.stop();
  rmSync(folder, { recursive: true, force: true });
});

async function watch(token: string, headers: Record<string, string> = {}): Promise<SseConnection> {
  const stream = await openSse(`${host.url}${EVENTS}`, { authorization: `Bearer ${token}`, ...headers });
  streams.push(stream);
  return stream;
}

describe('attack 8: the event stream', () => {
  it('one reader token opening 256 watchers gets its share only; another reader still watches', async () => {
    const statuses = new Map<number, number>();
    for (let i = 0; i < 256; i++) {
      // Every granted stream stays open: the hoarder keeps all it gets.
      const status = (await watch(HOARDER)).response.statusCode ?? 0;
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
    const operator = await watch(OPERATOR);
    figures('event-stream hoarding (256 watchers, one reader token)', {
      answers: JSON.stringify(Object.fromEntries(statuses)),
      otherReaderStatus: operator.response.statusCode ?? 0,
      rssMb: rssMb(host.pid),
    });
    expect(statuses.get(200)).toBe(16);
    expect(statuses.get(503)).toBe(256 - 16);
    expect(operator.response.statusCode).toBe(200);
  }, 60_000);

  it('a Last-Event-ID from the future gets a reset naming why', async () => {
    const stream = await watch(OPERATOR, { 'last-event-id': '999999999' });
    const reset = await stream.next('a reset', (event) => event.event === 'reset');
    const data = JSON.parse(reset.data) as { reason: string };
    figures('event-stream Last-Event-ID 999999999', { reason: data.reason });
    expect(data.reason).toBe('last-event-id-ahead');
  }, 30_000);
});
