/// <reference lib="dom" />
// The page functions below run in the browser: they are typed against the DOM.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { PeerHealthModule, PeerLeaseHealthTracker } from '@omnirelay/peer-health';
import { chromium, type BrowserContext } from 'playwright-core';
import { startHttpApp, type RunningApp } from '../support/http-app';
import { pollUntil } from '../support/poll';

/** Debian's chromium; playwright-core never downloads a browser. */
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const TOKEN = 'dashboard-test-token';

/** The host's guard of the kit's data routes: a bearer token. */
@Injectable()
class BearerGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    return context.switchToHttp().getRequest<{ headers: Record<string, unknown> }>().headers.authorization === `Bearer ${TOKEN}`;
  }
}

describe('the dashboard behind forRoot({ guards }) in a real headless Chromium', () => {
  let running: RunningApp | undefined;
  let browser: BrowserContext | undefined;
  let profile: string | undefined;

  afterEach(async () => {
    await browser?.close();
    await running?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    browser = undefined;
    running = undefined;
    profile = undefined;
  });

  it('opens the page, asks for a token, then reads the view and the stream with it as a bearer', async () => {
    running = await startHttpApp({ imports: [PeerHealthModule.forRoot({ dashboard: true, guards: [BearerGuard] })] });
    const tracker = running.app.get(PeerLeaseHealthTracker);
    tracker.recordLeaseHeartbeat('worker-1');
    tracker.recordLeaseHeartbeat('worker-2');
    profile = mkdtempSync(join(tmpdir(), 'omnirelay-chromium-'));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    const page = await browser.newPage();
    const reads: { url: string; authorization: string | undefined; status: number }[] = [];
    page.on('response', (response) => {
      const url = response.url();
      if (url.includes('/lease-health')) reads.push({ url, authorization: response.request().headers()['authorization'], status: response.status() });
    });

    const opened = await page.goto(`${running.url}/omnirelay/control/dashboard`);
    expect(opened?.status()).toBe(200);
    // The first read is refused by the guard: the page shows its token form.
    await page.waitForSelector('#token-form.shown', { timeout: 10_000 });
    expect(reads.some((read) => read.status === 403 && read.authorization === undefined)).toBe(true);
    const visibleRows = () =>
      page.evaluate(() =>
        Array.from(document.querySelectorAll<HTMLElement>('#spacer .row'))
          .filter((row) => row.style.display !== 'none')
          .map((row) => row.dataset['peerId'] ?? '')
          .sort(),
      );
    expect(await visibleRows()).toEqual([]);

    await page.fill('#token', TOKEN);
    await page.click('#token-form button[type="submit"]');
    const { value: shown } = await pollUntil(
      'the rows of both workers',
      () => visibleRows().then((ids) => (ids.length === 2 ? ids : undefined)),
      10_000,
    );
    expect(shown).toEqual(['worker-1', 'worker-2']);
    // The event stream (read with fetch, so that it can carry the header) follows with the token too.
    await pollUntil(
      'the event stream read with the token',
      () => Promise.resolve(reads.find((read) => read.url.endsWith('/lease-health/events') && read.status === 200)),
      15_000,
    );
    const granted = reads.filter((read) => read.status === 200);
    expect(granted.length).toBeGreaterThan(0);
    for (const read of granted) expect(read.authorization).toBe(`Bearer ${TOKEN}`);
    // The token is kept for the tab only, and never put in a URL.
    expect(await page.evaluate(() => Object.values(sessionStorage) as string[])).toContain(TOKEN);
    expect(reads.every((read) => !read.url.includes(TOKEN))).toBe(true);
  }, 60_000);
});
