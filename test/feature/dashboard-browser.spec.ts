/// <reference lib="dom" />
// The page functions below run in the browser: they are typed against the DOM.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startExecutable, type RunningHost } from '../support/executable-process';

/** Debian's chromium; playwright-core never downloads a browser. */
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const GRACE_MS = 5000;
const OUTPUT = resolve(__dirname, '../../test-output');

/** The status shown in the row of `peerId`, or undefined while the row is not rendered. */
async function rowStatus(page: Page, peerId: string): Promise<string | undefined> {
  return page.evaluate((id) => {
    const row = Array.from(document.querySelectorAll<HTMLElement>('#spacer .row')).find(
      (r) => r.style.display !== 'none' && r.dataset['peerId'] === id,
    );
    return row?.dataset['status'];
  }, peerId);
}

describe('the dashboard in a real headless Chromium, against the demo host', () => {
  let host: RunningHost | undefined;
  let browser: BrowserContext | undefined;
  let profile: string | undefined;

  afterAll(async () => {
    await browser?.close();
    await host?.stop();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('shows the peers, follows the quiet worker to unhealthy and back without a reload, filters, logs no errors', async () => {
    host = await startExecutable({ args: ['--grace-ms', String(GRACE_MS)] });
    profile = mkdtempSync(join(tmpdir(), 'omnirelay-chromium-'));
    // A fresh profile directory (playwright passes it as --user-data-dir).
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      viewport: { width: 1400, height: 900 },
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    });
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page: ${error.message}`));
    const foreign: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(host?.url ?? '') && !request.url().startsWith('data:')) foreign.push(request.url());
    });
    let navigations = 0;
    page.on('framenavigated', () => navigations++);

    await page.goto(`${host.url}/omnirelay/control/dashboard`);
    await page.waitForFunction(() => document.getElementById('live')?.textContent === 'live', undefined, { timeout: 10_000 });
    for (const peerId of ['worker-1', 'worker-2', 'worker-quiet']) {
      await page.waitForFunction((id) => document.querySelector(`#spacer .row[data-peer-id="${id}"]`) !== null, peerId, { timeout: 10_000 });
    }

    // The quiet worker is silent 9 s of every 20: wait for it to heart-beat, then for it to go quiet.
    const bounded = async (what: string, status: string, timeoutMs: number): Promise<number> => {
      const started = Date.now();
      await page.waitForFunction(
        (id) => {
          const row = document.querySelector<HTMLElement>(`#spacer .row[data-peer-id="${id[0]}"]`);
          return row?.dataset['status'] === id[1];
        },
        ['worker-quiet', status],
        { timeout: timeoutMs, polling: 50 },
      ).catch(() => {
        throw new Error(`${what}: the quiet worker's row did not turn ${status} within ${timeoutMs} ms`);
      });
      return Date.now() - started;
    };
    await bounded('first heartbeat', 'healthy', 25_000);
    // From healthy, the row must turn unhealthy within one quiet spell plus the grace period plus 2 s.
    const lastHealthy = Date.now();
    // At most one cycle (20 s) until the next quiet spell, plus the grace period and a margin.
    await bounded('expiry', 'unhealthy', 30_000);
    const unhealthyAfter = Date.now() - lastHealthy;
    const staleness = await page.evaluate(() => {
      const row = document.querySelector<HTMLElement>('#spacer .row[data-peer-id="worker-quiet"]');
      return row?.children[5]?.textContent ?? '';
    });
    // The last heartbeat shown is at most grace + 2 s old when the row turns: pushed, not polled.
    const seconds = Number.parseFloat(staleness);
    expect(seconds).toBeLessThanOrEqual((GRACE_MS + 2000) / 1000 + 1);

    await page.selectOption('#status-filter', 'unhealthy');
    const shown = await page.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLElement>('#spacer .row')).filter((r) => r.style.display !== 'none').map((r) => r.dataset['peerId']),
    );
    expect(shown).toEqual(['worker-quiet']);
    mkdirSync(OUTPUT, { recursive: true });
    await page.click('#spacer .row[data-peer-id="worker-quiet"]');
    await page.screenshot({ path: join(OUTPUT, 'dashboard.png') });
    await page.selectOption('#status-filter', '');

    await bounded('recovery', 'healthy', 30_000);
    expect(await rowStatus(page, 'worker-1')).toBe('healthy');
    expect(navigations).toBe(1);
    expect(problems).toEqual([]);
    expect(foreign).toEqual([]);
    process.stdout.write(`dashboard: quiet worker shown unhealthy ${unhealthyAfter} ms after last seen healthy; heartbeat age then ${staleness}\n`);
  }, 120_000);
});
