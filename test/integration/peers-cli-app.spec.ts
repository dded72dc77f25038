import { ManualClock, PeerHealthModule, PeerLeaseHealthTracker } from '@omnirelay/peer-health';
import { runPeersCli, type CliIo } from '@omnirelay/peer-health/cli';
import { startHttpApp, type RunningApp } from '../support/http-app';

interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

async function cli(argv: string[]): Promise<CliRun> {
  let out = '';
  let err = '';
  const io: CliIo = {
    out: (text) => (out += text),
    err: (text) => (err += text),
    isTTY: false,
    sleep: () => Promise.resolve(),
  };
  const code = await runPeersCli(argv, io);
  return { code, out, err };
}

/** An app on the kit with one healthy peer and one that disconnected. */
async function appWithPeers(extras: { pathPrefix?: string }, configure?: (app: RunningApp['app']) => void): Promise<RunningApp> {
  const clock = new ManualClock(Date.UTC(2026, 10, 24, 9, 30));
  const running = await startHttpApp({ imports: [PeerHealthModule.forRoot({ clock, ...extras })] }, configure);
  const tracker = running.app.get(PeerLeaseHealthTracker);
  tracker.recordLeaseHeartbeat('worker-1');
  tracker.recordLeaseHeartbeat('worker-2');
  tracker.recordDisconnect('worker-2', 'connection-reset');
  return running;
}

const apps: RunningApp[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

function names(table: string): string[] {
  return table
    .split('\n')
    .slice(1)
    .map((line) => line.split(' ')[0] ?? '')
    .filter((name) => name.startsWith('worker-'));
}

describe('omnirelay-peers against an app on the kit', () => {
  it('finds the endpoint at its default path, and --status selects peers', async () => {
    const running = await appWithPeers({});
    apps.push(running);
    const all = await cli(['list', '--url', running.url]);
    expect(all.err).toBe('');
    expect(all.code).toBe(0);
    expect(names(all.out)).toEqual(['worker-2', 'worker-1']);
    expect(all.out).toContain('2 peers: 1 eligible, 1 unhealthy, 0 pending reassignments');
    expect(names((await cli(['list', '--url', running.url, '--status', 'unhealthy'])).out)).toEqual(['worker-2']);
    expect(names((await cli(['list', '--url', running.url, '--status', 'healthy'])).out)).toEqual(['worker-1']);
  });

  it('reads an app with forRoot({ pathPrefix }) through --path', async () => {
    const running = await appWithPeers({ pathPrefix: '/ops' });
    apps.push(running);
    const missed = await cli(['list', '--url', running.url]);
    expect(missed.code).toBe(2);
    expect(missed.err).toContain('(HTTP 404)');
    const found = await cli(['list', '--url', running.url, '--path', '/ops/lease-health']);
    expect(found.code).toBe(0);
    expect(names(found.out)).toEqual(['worker-2', 'worker-1']);
  });

  it('reads an app with a global prefix through a base URL with a path', async () => {
    const running = await appWithPeers({}, (app) => app.setGlobalPrefix('cp'));
    apps.push(running);
    const found = await cli(['show', 'worker-2', '--url', `${running.url}/cp`]);
    expect(found.err).toBe('');
    expect(found.code).toBe(0);
    expect(found.out).toMatch(/^status\s+UNHEALTHY$/m);
  });
});
