/// <reference lib="dom" />
// The page functions below run in the browser: they are typed against the DOM.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startExecutable, type RunningHost } from '../support/executable-process';
import { pollUntil } from '../support/poll';

/** Debian's chromium; playwright-core never downloads a browser. */
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const GRACE_MS = 5000;
const OUTPUT = resolve(__dirname, '../../test-output');
const ROW_HEIGHT = 28;

/** A headless Chromium with a fresh profile directory (playwright passes it as --user-data-dir). */
function launch(profile: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    viewport: { width: 1400, height: 900 },
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

/** The rows the table shows now, top to bottom: their peer, status and list index (from their offset). */
function shownRows(page: Page): Promise<{ peerId: string; status: string; index: number }[]> {
  return page.evaluate((rowHeight) => {
    const rows = Array.from(document.querySelectorAll<HTMLElement>('#spacer .row')).filter((r) => r.style.display !== 'none');
    return rows
      .map((r) => ({
        peerId: r.dataset['peerId'] ?? '',
        status: r.dataset['status'] ?? '',
        index: Number(/translateY\((-?[0-9.]+)px\)/.exec(r.style.transform)?.[1] ?? Number.NaN) / rowHeight,
      }))
      .sort((a, b) => a.index - b.index);
  }, ROW_HEIGHT);
}

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

  afterEach(async () => {
    await browser?.close();
    await host?.stop();
    if (profile) rmSync(profile, { recursive: true, force: true });
    browser = undefined;
    host = undefined;
    profile = undefined;
  });

  it('shows the peers, follows the quiet worker to unhealthy and back without a reload, filters, logs no errors', async () => {
    host = await startExecutable({ args: ['--grace-ms', String(GRACE_MS)] });
    profile = mkdtempSync(join(tmpdir(), 'omnirelay-chromium-'));
    browser = await launch(profile);
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

  it('with thousands of peers keeps a bounded pool of rows, scrolls to the last peer, keeps the order while transitions stream, shows hostile text as text', async () => {
    const peers = 3000;
    // The fleet's churn (one disconnect in 499 events) streams transitions; a long grace keeps
    // expiries out of it on a loaded machine.
    host = await startExecutable({ args: ['--synthetic-peers', String(peers), '--synthetic-rate', '4000', '--grace-ms', '60000'] });
    profile = mkdtempSync(join(tmpdir(), 'omnirelay-chromium-'));
    browser = await launch(profile);
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page: ${error.message}`));
    await page.goto(`${host.url}/omnirelay/control/dashboard`);
    await page.waitForFunction((n) => Number.parseInt(document.getElementById('shown')?.textContent ?? '', 10) >= n, peers, { timeout: 60_000 });
    await page.waitForFunction(() => document.getElementById('live')?.textContent === 'live', undefined, { timeout: 30_000 });

    // The DOM holds about a viewport of rows (plus a few above and below), never the fleet.
    const bound = await page.evaluate((rowHeight) => Math.ceil((document.getElementById('viewport')?.clientHeight ?? 0) / rowHeight) + 12, ROW_HEIGHT);
    const rowElements = (): Promise<number> => page.evaluate(() => document.querySelectorAll('#spacer .row').length);
    expect(bound).toBeLessThan(100);
    expect(await rowElements()).toBeLessThanOrEqual(bound);

    // Sorted by status (the default) while transitions stream: unhealthy first, each group by peer id,
    // consecutive list indexes; checked after the page has taken at least 20 events.
    await page.waitForFunction(() => Number(document.getElementById('live')?.dataset['events'] ?? 0) >= 20, undefined, { timeout: 60_000 });
    const byStatus = await shownRows(page);
    const key = (r: { peerId: string; status: string }): string => `${r.status === 'unhealthy' ? 0 : 1} ${r.peerId}`;
    expect(byStatus.length).toBeGreaterThan(10);
    expect(byStatus.map(key)).toEqual([...byStatus.map(key)].sort());
    byStatus.forEach((r, i) => expect(r.index).toBe((byStatus[0]?.index ?? 0) + i));
    // The tiles count every peer the table lists.
    const tiles = await page.evaluate(() => [document.getElementById('tile-peers')?.textContent, document.getElementById('shown')?.textContent]);
    expect(tiles[1]).toMatch(new RegExp(`of ${tiles[0] ?? '-'} peers$`));

    // Only the synthetic fleet, by peer id: scrolling in steps reaches its last peer, rows stay bounded.
    await page.fill('#search', 'synthetic-');
    await page.click('.grid-head span[data-key="peerId"]');
    await page.waitForFunction((n) => document.getElementById('shown')?.textContent?.startsWith(`${n} of`) === true, peers, { timeout: 10_000 });
    const expectedId = (i: number): string => `synthetic-${String(i).padStart(7, '0')}`;
    expect((await shownRows(page))[0]).toMatchObject({ peerId: expectedId(0), index: 0 });
    const maxRows: number[] = [];
    for (let step = 1; step <= 8; step++) {
      await page.evaluate((fraction) => {
        const viewport = document.getElementById('viewport');
        if (viewport) viewport.scrollTop = (viewport.scrollHeight - viewport.clientHeight) * fraction;
      }, step / 8);
      // The row at the top of the viewport is drawn once the page has handled the scroll.
      await page.waitForFunction(
        (rowHeight) => {
          const viewport = document.getElementById('viewport');
          const top = Math.floor((viewport?.scrollTop ?? 0) / rowHeight);
          return Array.from(document.querySelectorAll<HTMLElement>('#spacer .row')).some((r) => r.style.display !== 'none' && r.style.transform === `translateY(${top * rowHeight}px)`);
        },
        ROW_HEIGHT,
        { timeout: 10_000 },
      );
      const rows = await shownRows(page);
      rows.forEach((r) => expect(r.peerId).toBe(expectedId(r.index)));
      maxRows.push(await rowElements());
    }
    expect(Math.max(...maxRows)).toBeLessThanOrEqual(bound);
    const last = await shownRows(page);
    expect(last[last.length - 1]).toMatchObject({ peerId: expectedId(peers - 1), index: peers - 1 });

    // Text from the network (a worker's id, a work item's resource type and id) stays text.
    const url = host.url;
    const hostileId = '<img src=x id="injected-row" onerror="window.__injected=1">worker';
    const hostileType = '<b id="injected-detail">type</b><img src=x onerror="window.__injected=2">';
    const hostileResource = '</script><script>window.__injected=3</script>';
    const postJson = (path: string, body: unknown): Promise<Response> =>
      fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(5000) });
    // The queue hands out the demo producer's items too: lease until this worker holds a hostile one.
    await postJson('/control/work', { resourceType: hostileType, resourceId: hostileResource });
    await pollUntil(
      'the hostile worker to lease the hostile item',
      async () => {
        const grant = await postJson('/control/leases', { workerId: hostileId });
        if (grant.status !== 200) {
          await postJson('/control/work', { resourceType: hostileType, resourceId: hostileResource });
          return undefined;
        }
        return ((await grant.json()) as { resourceType?: string }).resourceType === hostileType ? true : undefined;
      },
      30_000,
      100,
    );
    await page.fill('#search', 'onerror');
    await page.waitForFunction(
      (id) => Array.from(document.querySelectorAll<HTMLElement>('#spacer .row')).some((r) => r.style.display !== 'none' && r.dataset['peerId'] === id),
      hostileId,
      { timeout: 30_000 },
    );
    await page.evaluate((id) => Array.from(document.querySelectorAll<HTMLElement>('#spacer .row')).find((r) => r.dataset['peerId'] === id)?.click(), hostileId);
    // The detail shows the peer as of the page's last read of the view (re-read at least every 10 s).
    await page.waitForFunction((type) => document.getElementById('detail')?.textContent?.includes(type) === true, hostileType, { timeout: 30_000 });
    const rendered = await page.evaluate((id) => ({
      injected: (window as unknown as { __injected?: number }).__injected ?? null,
      elements: document.querySelectorAll('#injected-row, #injected-detail, #spacer img, #detail img, #detail b, body script:not(:first-of-type)').length,
      cell: Array.from(document.querySelectorAll<HTMLElement>('#spacer .row')).find((r) => r.dataset['peerId'] === id)?.children[0]?.textContent ?? null,
      detail: document.getElementById('detail')?.textContent ?? '',
    }), hostileId);
    expect(rendered).toMatchObject({ injected: null, elements: 0, cell: hostileId });
    expect(rendered.detail).toContain(hostileType);
    expect(rendered.detail).toContain(hostileResource);
    expect(problems).toEqual([]);
  }, 180_000);
});
