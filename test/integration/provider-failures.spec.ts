import { Injectable, type INestApplication, type LoggerService } from '@nestjs/common';
import {
  ManualClock,
  PARTIAL_ANSWER_HEADER,
  PeerHealthModule,
  PeerLeaseHealthDiagnostics,
  PeerLeaseHealthTracker,
  serializeLeaseHealth,
  type PeerHealthSnapshotProvider,
  type PeerLeaseHealthSnapshot,
} from '@omnirelay/peer-health';
import { HTTP_PLATFORMS, startPlatformApp, type RunningApp } from '../support/http-app';
import { snapshotOf } from '../support/snapshots';

const T0 = Date.UTC(2026, 10, 24, 9, 30, 0);
const PATH = '/omnirelay/control/lease-health';

@Injectable()
class HangingProvider implements PeerHealthSnapshotProvider {
  calls = 0;
  isPeerEligible(): boolean {
    return true;
  }
  snapshot(): Promise<readonly PeerLeaseHealthSnapshot[]> {
    this.calls++;
    return new Promise(() => undefined);
  }
}

@Injectable()
class ThrowingProvider implements PeerHealthSnapshotProvider {
  isPeerEligible(): boolean {
    return true;
  }
  snapshot(): readonly PeerLeaseHealthSnapshot[] {
    throw new Error('transport table unavailable');
  }
}

@Injectable()
class RejectingProvider implements PeerHealthSnapshotProvider {
  isPeerEligible(): boolean {
    return true;
  }
  async snapshot(): Promise<readonly PeerLeaseHealthSnapshot[]> {
    await Promise.resolve();
    throw new Error('sidecar refused');
  }
}

/** A hand-made thenable that calls back at once, inside then(). */
@Injectable()
class InstantThenableProvider implements PeerHealthSnapshotProvider {
  isPeerEligible(): boolean {
    return true;
  }
  snapshot(): Promise<readonly PeerLeaseHealthSnapshot[]> {
    const thenable = {
      then: (resolve: (value: readonly PeerLeaseHealthSnapshot[]) => void) => resolve([snapshotOf('instant-1')]),
    };
    return thenable as unknown as Promise<readonly PeerLeaseHealthSnapshot[]>;
  }
}

@Injectable()
class NullProvider implements PeerHealthSnapshotProvider {
  isPeerEligible(): boolean {
    return true;
  }
  snapshot(): readonly PeerLeaseHealthSnapshot[] {
    return null as unknown as readonly PeerLeaseHealthSnapshot[];
  }
}

/** Two providers that answer only once both have been asked: served whole only when asked concurrently. */
let bothAsked: () => void = () => undefined;
let asked = 0;
const barrier = (): Promise<void> =>
  new Promise((resolve) => {
    asked++;
    const previous = bothAsked;
    bothAsked = () => {
      previous();
      resolve();
    };
    if (asked === 2) bothAsked();
  });

@Injectable()
class FirstOfPair implements PeerHealthSnapshotProvider {
  isPeerEligible(): boolean {
    return true;
  }
  async snapshot(): Promise<readonly PeerLeaseHealthSnapshot[]> {
    await barrier();
    return [snapshotOf('pair-1')];
  }
}

@Injectable()
class SecondOfPair implements PeerHealthSnapshotProvider {
  isPeerEligible(): boolean {
    return true;
  }
  async snapshot(): Promise<readonly PeerLeaseHealthSnapshot[]> {
    await barrier();
    return [snapshotOf('pair-2')];
  }
}

/** Keeps what the kit logs, by level. */
class RecordingLogger implements LoggerService {
  readonly warnings: string[] = [];
  readonly errors: string[] = [];
  log(): void {}
  warn(message: unknown): void {
    this.warnings.push(String(message));
  }
  error(message: unknown): void {
    this.errors.push(String(message));
  }
}

describe.each(HTTP_PLATFORMS)('snapshot provider failures on %s', (platform) => {
  let running: RunningApp<INestApplication> | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  /** `logger` goes to the module's `logger` option, or else to the app (Nest's Logger, the default). */
  async function boot(providers: Array<new () => PeerHealthSnapshotProvider>, loggerAs: 'app' | 'option' = 'app') {
    const clock = new ManualClock(T0);
    const logger = new RecordingLogger();
    const options = loggerAs === 'option' ? { clock, logger } : { clock };
    running = await startPlatformApp(
      platform,
      { imports: [PeerHealthModule.forRoot(options), PeerHealthModule.forFeature({ providers })] },
      (app) => {
        if (loggerAs === 'app') app.useLogger(logger);
      },
    );
    const tracker = running.app.get(PeerLeaseHealthTracker);
    tracker.recordLeaseAssignment('worker-a', { sequenceId: 1, attempt: 1, leaseId: '00000000-0000-4000-8000-000000000001' });
    tracker.recordDisconnect('worker-b', 'reset');
    return { app: running, tracker, clock, logger };
  }

  /** The body the tracker alone gives: what a partial answer must carry, byte for byte. */
  const trackerOnlyBody = (tracker: PeerLeaseHealthTracker) =>
    serializeLeaseHealth(PeerLeaseHealthDiagnostics.fromSnapshots(tracker.snapshot()));

  it('serves without a hung provider within the default timeout, naming it in the partial header', async () => {
    const { app, tracker, logger } = await boot([HangingProvider]);
    const response = await app.get(PATH);
    expect(response.status).toBe(200);
    expect(response.headers.get(PARTIAL_ANSWER_HEADER)).toBe('HangingProvider');
    expect(response.headers.get('etag')).toBeNull();
    expect(await response.text()).toBe(trackerOnlyBody(tracker));
    expect(logger.warnings).toEqual([expect.stringContaining('HangingProvider did not answer within 200 ms')]);
    expect(tracker.anomalyCount('provider-timeout')).toBe(1);
  });

  it('asks a hung provider once: later fetches wait for the call that is still running', async () => {
    const { app, tracker } = await boot([HangingProvider]);
    for (let i = 0; i < 3; i++) expect((await app.get(PATH)).headers.get(PARTIAL_ANSWER_HEADER)).toBe('HangingProvider');
    expect(app.app.get(HangingProvider).calls).toBe(1);
    expect(tracker.anomalyCount('provider-timeout')).toBe(3);
  });

  it('names every provider left out, in registration order, and not one that answered null', async () => {
    const { app, tracker } = await boot([ThrowingProvider, NullProvider, HangingProvider, RejectingProvider]);
    const response = await app.get(PATH);
    expect(response.headers.get(PARTIAL_ANSWER_HEADER)).toBe('ThrowingProvider, HangingProvider, RejectingProvider');
    expect(await response.text()).toBe(trackerOnlyBody(tracker));
  });

  it('sends no partial header when every provider answered', async () => {
    const { app } = await boot([NullProvider, InstantThenableProvider]);
    for (let i = 0; i < 2; i++) {
      const response = await app.get(PATH);
      expect(response.status).toBe(200);
      expect(response.headers.get(PARTIAL_ANSWER_HEADER)).toBeNull();
      const body = (await response.json()) as { peers: Array<{ peerId: string }> };
      expect(body.peers.map((peer) => peer.peerId)).toEqual(['instant-1', 'worker-a', 'worker-b']);
    }
  });

  it('logs a failing provider once a minute, then with the count of failures not logged', async () => {
    const { app, tracker, clock, logger } = await boot([ThrowingProvider], 'option');
    for (let i = 0; i < 3; i++) {
      expect((await app.get(PATH)).status).toBe(200);
      clock.advance(10_000);
    }
    expect(logger.warnings).toEqual(['Snapshot provider ThrowingProvider failed: transport table unavailable']);
    clock.advance(30_000); // 60 s after the first line
    await app.get(PATH);
    await app.get(PATH);
    expect(logger.warnings).toEqual([
      'Snapshot provider ThrowingProvider failed: transport table unavailable',
      'Snapshot provider ThrowingProvider failed: transport table unavailable (2 repeated failure(s) not logged since the last report)',
    ]);
    // Every failure is still counted.
    expect(tracker.anomalyCount('provider-failure')).toBe(5);
  });

  it('asks the providers concurrently', async () => {
    asked = 0;
    bothAsked = () => undefined;
    const { app } = await boot([FirstOfPair, SecondOfPair]);
    const response = await app.get(PATH);
    expect(response.headers.get(PARTIAL_ANSWER_HEADER)).toBeNull();
    const body = (await response.json()) as { peers: Array<{ peerId: string }> };
    expect(body.peers.map((peer) => peer.peerId)).toEqual(['pair-1', 'pair-2', 'worker-a', 'worker-b']);
  });
});
