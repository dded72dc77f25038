import { createHash } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { PeerHealthModule } from '@omnirelay/peer-health';
import { HTTP_PLATFORMS, startPlatformApp, type RunningApp } from '../support/http-app';

describe.each(HTTP_PLATFORMS)('GET /omnirelay/control/dashboard on %s', (platform) => {
  let running: RunningApp<INestApplication> | undefined;

  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  it('is not served by default', async () => {
    running = await startPlatformApp(platform, { imports: [PeerHealthModule.forRoot({ telemetry: { enabled: false } })] });
    expect((await running.get('/omnirelay/control/dashboard')).status).toBe(404);
  });

  it('serves one self-contained page with forRoot({ dashboard: true }), its inline script and style pinned by the CSP', async () => {
    running = await startPlatformApp(platform, {
      imports: [PeerHealthModule.forRoot({ dashboard: true, pathPrefix: '/ops', telemetry: { enabled: false } })],
    });
    const response = await running.get('/ops/dashboard');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await response.text();
    // Nothing from elsewhere: no external script, stylesheet, image or absolute URL to another host.
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+rel="stylesheet"|https?:\/\//);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'self'");
    const hash = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
    const script = /<script>([\s\S]*)<\/script>/.exec(html)?.[1] ?? '';
    const style = /<style>([\s\S]*)<\/style>/.exec(html)?.[1] ?? '';
    expect(csp).toContain(`script-src ${hash(script)}`);
    expect(csp).toContain(`style-src ${hash(style)}`);
    // The page reads the kit's routes relative to itself, so any pathPrefix works.
    expect(script).toMatch(/\('lease-health\?limit=/);
    expect(script).not.toContain("'/omnirelay");
    expect(script).toContain("fetch('lease-health/events'");
  });
});
