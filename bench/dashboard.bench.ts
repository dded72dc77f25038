/// <reference lib="dom" />
// dashboard: the page of GET /omnirelay/control/dashboard in headless Chromium (Debian's, through
// playwright-core) against the demo host executable with a 10,000-peer synthetic fleet whose
// transitions stream: time to first render of the table, and frame times while updates stream and
// the table scrolls. Needs `npm run build:artifacts` first.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { percentile, record } from './support/results';

interface RunningHost {
  readonly url: string;
  stop(): Promise<unknown>;
}
interface ExecutableProcess {
  startExecutable(options: { args: readonly string[]; readyTimeoutMs?: number }): Promise<RunningHost>;
}

const PEERS = 10_000;

async function main(): Promise<void> {
  // The test support's launcher (plain JavaScript) starts the executable on a free port.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const launcher = require(resolve(__dirname, '../../test/support/executable-process.js')) as ExecutableProcess;
  const host = await launcher.startExecutable({ args: ['--synthetic-peers', String(PEERS), '--synthetic-rate', '20000'], readyTimeoutMs: 60_000 });
  const profile = mkdtempSync(join(tmpdir(), 'omnirelay-bench-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  try {
    const page = await context.newPage();
    const firstRender: number[] = [];
    for (let round = 0; round < 3; round++) {
      await page.goto(`${host.url}/omnirelay/control/dashboard`);
      await page.waitForFunction((peers) => Number(document.getElementById('tile-peers')?.textContent) >= peers, PEERS, { timeout: 60_000, polling: 'raf' });
      // Navigation start to the frame in which the full table was first shown.
      firstRender.push(await page.evaluate(() => performance.now()));
    }
    const frames = await page.evaluate(
      () =>
        new Promise<number[]>((done) => {
          const intervals: number[] = [];
          const viewport = document.getElementById('viewport');
          let last = performance.now();
          const started = last;
          const step = (now: number): void => {
            intervals.push(now - last);
            last = now;
            // Scroll as a person would while the stream updates rows.
            if (viewport) viewport.scrollTop = (viewport.scrollTop + 120) % Math.max(1, viewport.scrollHeight - viewport.clientHeight);
            if (now - started < 5000) requestAnimationFrame(step);
            else done(intervals);
          };
          requestAnimationFrame(step);
        }),
    );
    const transitions = await page.evaluate(() => document.querySelectorAll('#timeline li').length);
    firstRender.sort((a, b) => a - b);
    const median = firstRender[1] ?? 0;
    record({ name: 'dashboard-first-render', peers: PEERS, value: median, unit: 'ms', baseline: null, ratio: null, target: '<= 1000 ms', met: median <= 1000, note: 'navigation start to the full table, median of 3' });
    const p95 = percentile(frames, 95);
    record({
      name: 'dashboard-frame-time-p95',
      peers: PEERS,
      value: p95,
      unit: 'ms',
      baseline: null,
      ratio: null,
      target: '<= 50 ms',
      met: p95 <= 50,
      note: `median ${percentile(frames, 50).toFixed(1)} ms, max ${Math.max(...frames).toFixed(1)} ms, ${frames.length} frames in 5 s while scrolling; ${transitions} timeline entries streamed`,
    });
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
    await host.stop();
  }
}

void main();
