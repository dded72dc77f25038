// federation-budget: how long the event loop of a node is held while its remote provider reads eight
// hosts answering 100,000 peers (16 MB) each, the fleet-view attack of issue 17. The hosts run in a
// child process, so only the reading side is measured: the loop's longest delay per read
// (monitorEventLoopDelay) against the same measure over an idle loop, in the same run.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { RemoteLeaseHealthProvider } from '@omnirelay/peer-health';
import { median, record } from './support/results';

const READS = 5;

async function hosts(): Promise<{ urls: string[]; stop: () => void }> {
  const child = spawn(process.execPath, [resolve(__dirname, 'support/large-lease-health-hosts.js'), '100000'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((done) => child.stdout.once('data', (chunk: Buffer) => done(chunk.toString('utf8'))));
  return { urls: (JSON.parse(line) as { urls: string[] }).urls, stop: () => child.kill() };
}

/** The event loop's longest delay (ms) while `run` runs. */
async function longestDelay(run: () => Promise<unknown>): Promise<number> {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  await run();
  histogram.disable();
  return histogram.max / 1e6;
}

async function main(): Promise<void> {
  const { urls, stop } = await hosts();
  const provider = new RemoteLeaseHealthProvider({ targets: urls, timeoutMs: 30_000 });
  const idle: number[] = [];
  const reading: number[] = [];
  let missing = 0;
  for (let r = 0; r < READS; r++) {
    idle.push(await longestDelay(() => new Promise((done) => setTimeout(done, 1000))));
    reading.push(
      await longestDelay(async () => {
        missing = (await provider.partialSnapshot()).missingSources.length;
      }),
    );
  }
  const idleMedian = median(idle);
  const readingMedian = median(reading);
  record({ name: 'federation-idle-loop-longest-delay', peers: 0, value: idleMedian, unit: 'ms', baseline: null, ratio: null, target: '(reported)', met: null });
  record({
    name: `federation-8x16MB-loop-longest-delay (${missing} hosts refused)`,
    peers: 800_000,
    value: readingMedian,
    unit: 'ms',
    baseline: idleMedian,
    ratio: readingMedian / idleMedian,
    target: 'under 50 ms on an idle machine',
    met: readingMedian < 50,
  });
  provider.onApplicationShutdown();
  stop();
}

void main();
