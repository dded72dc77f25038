/// <reference lib="dom" />
// dashboard: the page of GET /omnirelay/control/dashboard in headless Chromium (Debian's, through
// playwright-core) against the demo host executable with a 10,000-peer synthetic fleet that keeps
// changing (heartbeats, lease moves, and disconnects that turn peers unhealthy and back, so the event
// stream carries transitions): time to first render of the full table, and frame times while the
// stream updates the page and the table scrolls. The window counts the events the page received; a
// window with none is reported as a failed measurement. Needs `npm run build:artifacts` first.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { percentile, record, spread, spreadFields } from './support/results';

interface RunningHost {
  readonly url: string;
  stop(): Promise<unknown>;
}
interface ExecutableProcess {
  startExecutable(options: { args: readonly string[]; readyTimeoutMs?: number }): Promise<RunningHost>;
}

const PEERS = 10_000;
const WINDOW_MS = 5000;
const ROUNDS = 3;
/**
 * A grace period well above the fleet's heartbeat cycle (each peer every 0.5 s at 20,000 events/s):
 * on a saturated machine the fleet's ticks lag, and a 5 s grace turned those lags into storms of
 * thousands of expiries a second. The stream then carries the fleet's churn (disconnects and the
 * recoveries after them, about 60 to 80 events/s), which is what the window measures.
 */
const GRACE_MS = 30_000;
/** The mark the page sets when it first shows the full table (see the dashboard script). */
const FIRST_RENDER_MARK = 'dashboard:first-render';
/** The mark of the first rows shown (the first page of the view, drawn while the rest is read). */
const FIRST_ROWS_MARK = 'dashboard:first-rows';

const load = (): string => loadavg().map((n) => n.toFixed(2)).join(' ');

/** Events the page has taken from its stream so far (the page keeps the count on `#live`). */
const eventsReceived = (page: Page): Promise<number> => page.evaluate(() => Number(document.getElementById('live')?.dataset['events'] ?? 0));

async function main(): Promise<void> {
  const loadAtStart = load();
  // The test support's launcher (plain JavaScript) starts the executable on a free port.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const launcher = require(resolve(__dirname, '../../test/support/executable-process.js')) as ExecutableProcess;
  const host = await launcher.startExecutable({ args: ['--synthetic-peers', String(PEERS), '--synthetic-rate', '20000', '--grace-ms', String(GRACE_MS)], readyTimeoutMs: 60_000 });
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
    const dataTimes: { firstRequest: number; lastByte: number; pages: number }[] = [];
    const firstRows: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      await page.goto(`${host.url}/omnirelay/control/dashboard`);
      // The page marks the end of the script turn that first drew the full table; the wait for the
      // next frame makes sure the mark is read after that frame, not timed by this poll.
      await page.waitForFunction((name) => performance.getEntriesByName(name).length > 0, FIRST_RENDER_MARK, { timeout: 60_000, polling: 'raf' });
      const shown = await page.evaluate(() => document.getElementById('shown')?.textContent ?? '');
      // The demo host's own few workers come on top of the synthetic fleet.
      if (!(Number.parseInt(shown, 10) >= PEERS)) throw new Error(`first render shows "${shown}", not the ${PEERS} peers`);
      firstRender.push(await page.evaluate((name) => performance.getEntriesByName(name)[0]?.startTime ?? Number.NaN, FIRST_RENDER_MARK));
      // Where that time went: the page's first request for data, and the end of the last page of it.
      const reads = await page.evaluate((name) => {
        const mark = performance.getEntriesByName(name)[0]?.startTime ?? Number.NaN;
        const pages = performance.getEntriesByType('resource').filter((r) => r.name.includes('/lease-health?') && r.startTime < mark) as PerformanceResourceTiming[];
        return { firstRequest: Math.min(...pages.map((r) => r.startTime)), lastByte: Math.max(...pages.map((r) => r.responseEnd)), pages: pages.length };
      }, FIRST_RENDER_MARK);
      dataTimes.push(reads);
      firstRows.push(await page.evaluate((name) => performance.getEntriesByName(name)[0]?.startTime ?? Number.NaN, FIRST_ROWS_MARK));
    }
    await page.waitForFunction(() => document.getElementById('live')?.textContent === 'live', undefined, { timeout: 30_000 });
    const eventsBefore = await eventsReceived(page);
    const frames = await page.evaluate(
      (windowMs) =>
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
            if (now - started < windowMs) requestAnimationFrame(step);
            else done(intervals);
          };
          requestAnimationFrame(step);
        }),
      WINDOW_MS,
    );
    const events = (await eventsReceived(page)) - eventsBefore;
    const rowsInDom = await page.evaluate(() => document.querySelectorAll('#spacer .row').length);
    const loadAtEnd = load();
    const render = spread(firstRender);
    record({
      name: 'dashboard-first-render',
      peers: PEERS,
      value: render.median,
      unit: 'ms',
      baseline: null,
      ratio: null,
      target: '<= 500 ms',
      met: render.median <= 500,
      note: `navigation start to the end of the first full-table render, median of ${ROUNDS} (${[...firstRender].sort((a, b) => a - b).map((v) => v.toFixed(0)).join(', ')} ms, in order of the rounds: ${dataTimes.map((d, i) => `${d.pages} pages requested at ${d.firstRequest.toFixed(0)} ms, last byte at ${d.lastByte.toFixed(0)} ms, drawn ${((firstRender[i] ?? Number.NaN) - d.lastByte).toFixed(0)} ms later`).join('; ')}); load average ${loadAtStart} at start`,
      ...spreadFields(render),
    });
    const rows = spread(firstRows);
    record({
      name: 'dashboard-first-rows',
      peers: PEERS,
      value: rows.median,
      unit: 'ms',
      baseline: null,
      ratio: null,
      target: '(reported)',
      met: null,
      note: `navigation start to the first rows (the first page of the view, shown while the rest is read), median of ${ROUNDS}`,
      ...spreadFields(rows),
    });
    const p95 = percentile(frames, 95);
    const perSecond = (events * 1000) / WINDOW_MS;
    const streamed = events > 0;
    record({
      name: 'dashboard-frame-time-p95',
      peers: PEERS,
      value: p95,
      unit: 'ms',
      baseline: null,
      ratio: null,
      target: '<= 50 ms while >= 20 events/s stream',
      // A window in which the page received no event did not measure what it claims to.
      met: streamed ? p95 <= 50 && perSecond >= 20 : false,
      note: `${streamed ? '' : 'FAILED MEASUREMENT (no event reached the page): '}median ${percentile(frames, 50).toFixed(1)} ms, max ${Math.max(...frames).toFixed(1)} ms, ${frames.length} frames in ${WINDOW_MS / 1000} s while scrolling; ${events} events received by the page (${perSecond.toFixed(0)}/s); ${rowsInDom} row elements in the DOM; load average ${loadAtEnd} at end`,
    });
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
    await host.stop();
  }
}

void main();
