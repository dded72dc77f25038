import { ManualClock, PeerHealthModule, PeerLeaseHealthTracker } from '@omnirelay/peer-health';
import type { INestApplication } from '@nestjs/common';
import { applyGoldenEvent, loadGolden } from '../support/golden';
import { HTTP_PLATFORMS, startPlatformApp, type RunningApp } from '../support/http-app';

const golden = loadGolden();

describe.each(HTTP_PLATFORMS)('GET /omnirelay/control/lease-health on %s replays every golden scenario byte for byte', (platform) => {
  let running: RunningApp<INestApplication> | undefined;

  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  it('has scenarios to replay', () => {
    expect(golden.scenarios.length).toBeGreaterThanOrEqual(10);
  });

  it.each(golden.scenarios.map((s) => [s.name, s] as const))('%s', async (_name, scenario) => {
    const clock = new ManualClock(golden.epochMs);
    running = await startPlatformApp(platform, {
      imports: [PeerHealthModule.forRoot({ heartbeatGracePeriodMs: scenario.graceMs, clock })],
    });
    const tracker = running.app.get(PeerLeaseHealthTracker);
    for (const event of scenario.events) {
      clock.set(golden.epochMs + event.at);
      applyGoldenEvent(tracker, event);
    }
    clock.set(golden.epochMs + scenario.queryAt);

    const response = await running.get('/omnirelay/control/lease-health');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await response.text()).toBe(JSON.stringify(scenario.expected));
  });
});
