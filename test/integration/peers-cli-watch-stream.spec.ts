import { LeaseHealthEventHub, ManualClock, PeerHealthModule, PeerLeaseHealthTracker } from '@omnirelay/peer-health';
import { runPeersCli, type CliIo } from '@omnirelay/peer-health/cli';
import { startHttpApp, type RunningApp } from '../support/http-app';
import { pollUntil } from '../support/poll';

describe('omnirelay-peers watch against a host with the event stream', () => {
  let running: RunningApp | undefined;

  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  it('refreshes as soon as the stream reports a change, without waiting out the interval', async () => {
    running = await startHttpApp({ imports: [PeerHealthModule.forRoot({ clock: new ManualClock(Date.UTC(2026, 10, 24)) })] });
    const tracker = running.app.get(PeerLeaseHealthTracker);
    tracker.recordLeaseHeartbeat('worker-1');
    let out = '';
    const abort = new AbortController();
    const io: CliIo = {
      out: (text) => {
        out += text;
      },
      err: (text) => {
        out += text;
      },
      isTTY: false,
      // An hour between refreshes: only the stream can bring the second one.
      sleep: (ms) =>
        new Promise((resolve) => {
          const timer = setTimeout(resolve, ms);
          abort.signal.addEventListener('abort', () => {
            clearTimeout(timer);
            resolve();
          });
        }),
      signal: abort.signal,
    };
    const result = runPeersCli(['watch', '--url', running.url, '--count', '2', '--interval', '3600'], io);
    await pollUntil('the first table', () => Promise.resolve(out.includes('worker-1') ? true : undefined), 5000, 10);
    // The stream is open once the hub counts the watcher.
    await pollUntil('the CLI watching', () => Promise.resolve(running?.app.get(LeaseHealthEventHub).watcherCount === 1 ? true : undefined), 5000, 10);
    tracker.recordDisconnect('worker-1', 'crash');
    try {
      await pollUntil('the transition line', () => Promise.resolve(out.includes('worker-1: healthy -> UNHEALTHY (crash)') ? true : undefined), 10_000, 10);
      expect(await result).toBe(0);
    } finally {
      abort.abort();
    }
  }, 20_000);

  it("prints the stream's reason on each change line: heartbeat-expired, then heartbeat", async () => {
    running = await startHttpApp({ imports: [PeerHealthModule.forRoot({ heartbeatGracePeriodMs: 3000 })] });
    const tracker = running.app.get(PeerLeaseHealthTracker);
    tracker.recordLeaseHeartbeat('worker-1');
    let out = '';
    const abort = new AbortController();
    const io: CliIo = {
      out: (text) => {
        out += text;
      },
      err: (text) => {
        out += text;
      },
      isTTY: false,
      // An hour between refreshes: only the stream brings the next ones.
      sleep: (ms) =>
        new Promise((resolve) => {
          const timer = setTimeout(resolve, ms);
          abort.signal.addEventListener('abort', () => {
            clearTimeout(timer);
            resolve();
          });
        }),
      signal: abort.signal,
    };
    const result = runPeersCli(['watch', '--url', running.url, '--count', '3', '--interval', '3600'], io);
    try {
      await pollUntil('the CLI watching', () => Promise.resolve(running?.app.get(LeaseHealthEventHub).watcherCount === 1 && out.includes('worker-1') ? true : undefined), 5000, 10);
      // No heartbeat within the 3 s grace: the tracker's deadline turns the peer unhealthy.
      await pollUntil('the expiry line', () => Promise.resolve(out.includes('worker-1: healthy -> UNHEALTHY (heartbeat-expired)') ? true : undefined), 10_000, 10);
      tracker.recordLeaseHeartbeat('worker-1');
      await pollUntil('the recovery line', () => Promise.resolve(out.includes('worker-1: UNHEALTHY -> healthy (heartbeat)') ? true : undefined), 10_000, 10);
      expect(await result).toBe(0);
      expect(out.split('\n').filter((line) => line.includes(' -> '))).toEqual([
        'worker-1: healthy -> UNHEALTHY (heartbeat-expired)',
        'worker-1: UNHEALTHY -> healthy (heartbeat)',
      ]);
    } finally {
      abort.abort();
    }
  }, 30_000);
});
