import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  PEER_HEALTH_MODULE_OPTIONS,
  PEER_HEALTH_SNAPSHOT_PROVIDERS,
  PeerHealthConfigurationError,
  PeerHealthDiagnosticsService,
  PeerHealthModule,
  PeerLeaseHealthTracker,
  type PeerHealthModuleOptions,
  type PeerHealthSnapshotProvider,
  type PeerLeaseHealthSnapshot,
} from '@omnirelay/peer-health';
import { snapshotOf } from '../support/snapshots';

/** A provider that knows one peer, by the id it is built with. */
class OnePeer implements PeerHealthSnapshotProvider {
  constructor(readonly peerId: string) {}
  isPeerEligible(peerId: string): boolean {
    return peerId !== this.peerId;
  }
  snapshot(): readonly PeerLeaseHealthSnapshot[] {
    return [snapshotOf(this.peerId, { isHealthy: false })];
  }
}

@Injectable()
class ClassProvider extends OnePeer {
  constructor() {
    super('from-class');
  }
}

@Injectable()
class UseClassProvider extends OnePeer {
  constructor() {
    super('from-use-class');
  }
}

const SETTINGS = Symbol('SETTINGS');
@Module({ providers: [{ provide: SETTINGS, useValue: 'from-factory' }], exports: [SETTINGS] })
class SettingsModule {}

/** Starts an application of `imports` and returns the error start-up stopped with, if any. */
async function startupError(imports: unknown[]): Promise<unknown> {
  try {
    const moduleRef = await Test.createTestingModule({ imports: imports as [] }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    await app.close();
  } catch (error) {
    return error;
  }
  return undefined;
}

async function configurationError(imports: unknown[]): Promise<PeerHealthConfigurationError> {
  const error = await startupError(imports);
  expect(error).toBeInstanceOf(PeerHealthConfigurationError);
  return error as PeerHealthConfigurationError;
}

describe('a provider under PEER_HEALTH_SNAPSHOT_PROVIDERS itself', () => {
  const PROVIDER_FORMS = {
    useClass: { provide: PEER_HEALTH_SNAPSHOT_PROVIDERS, useClass: ClassProvider },
    useValue: { provide: PEER_HEALTH_SNAPSHOT_PROVIDERS, useValue: new OnePeer('v') },
    useFactory: { provide: PEER_HEALTH_SNAPSHOT_PROVIDERS, useFactory: () => [new OnePeer('f')] },
  };

  it.each(Object.keys(PROVIDER_FORMS) as (keyof typeof PROVIDER_FORMS)[])(
    'stops start-up (%s) with an error naming the decorator and forFeature',
    async (form) => {
      @Module({ providers: [PROVIDER_FORMS[form]] })
      class FeatureModule {}
      const error = await configurationError([PeerHealthModule.forRoot({ controller: false }), FeatureModule]);
      expect(error.option).toBe('PEER_HEALTH_SNAPSHOT_PROVIDERS');
      expect(error.message).toContain('@PeerHealthSnapshotProvider()');
      expect(error.message).toContain('PeerHealthModule.forFeature(');
      expect(error.message).toContain('FeatureModule');
    },
  );

  it('stops start-up when a test overrides the list', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [PeerHealthModule.forRoot({ controller: false })] })
      .overrideProvider(PEER_HEALTH_SNAPSHOT_PROVIDERS)
      .useValue([new OnePeer('o')])
      .compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await expect(app.init()).rejects.toThrow(/@PeerHealthSnapshotProvider\(\).*forFeature/s);
    await app.close();
  });

  it('is refused by forFeature itself', () => {
    expect(() => PeerHealthModule.forFeature({ providers: [{ provide: PEER_HEALTH_SNAPSHOT_PROVIDERS, useValue: new OnePeer('x') }] })).toThrow(
      /the kit's list; give it a token of its own/,
    );
  });
});

describe('forFeature', () => {
  it('takes class, useClass, value and factory providers, in order, each injectable by its own token', async () => {
    const VALUE = Symbol('VALUE');
    const FACTORY = Symbol('FACTORY');
    const USE_CLASS = Symbol('USE_CLASS');
    const value = new OnePeer('from-value');
    const moduleRef = await Test.createTestingModule({
      imports: [
        PeerHealthModule.forRoot({ controller: false }),
        PeerHealthModule.forFeature({
          imports: [SettingsModule],
          providers: [
            ClassProvider,
            { provide: VALUE, useValue: value },
            { provide: USE_CLASS, useClass: UseClassProvider },
            // A factory with a dependency, answering asynchronously.
            { provide: FACTORY, useFactory: (id: string) => Promise.resolve(new OnePeer(id)), inject: [SETTINGS] },
          ],
        }),
      ],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    try {
      const providers = app.get<readonly PeerHealthSnapshotProvider[]>(PEER_HEALTH_SNAPSHOT_PROVIDERS);
      expect(providers[0]).toBe(app.get(PeerLeaseHealthTracker));
      expect(providers.slice(1).map((p) => (p as OnePeer).peerId)).toEqual(['from-class', 'from-value', 'from-use-class', 'from-factory']);
      expect(app.get(VALUE)).toBe(value);
      const diagnostics = app.get(PeerHealthDiagnosticsService);
      expect((await diagnostics.collect()).peers.map((p) => p.peerId)).toEqual(['from-class', 'from-factory', 'from-use-class', 'from-value']);
      expect(diagnostics.isPeerEligible('from-factory')).toBe(false);
    } finally {
      await app.close();
    }
  });

  it('stops start-up naming a value that is not a snapshot provider', async () => {
    const error = await configurationError([
      PeerHealthModule.forRoot({ controller: false }),
      PeerHealthModule.forFeature({ providers: [{ provide: 'NOT_A_PROVIDER', useValue: {} as PeerHealthSnapshotProvider }] }),
    ]);
    expect(error.message).toContain('NOT_A_PROVIDER');
    expect(error.message).toMatch(/snapshot\(\) and isPeerEligible\(\)/);
  });

  it('refuses what is not a provider at all', () => {
    expect(() => PeerHealthModule.forFeature({ providers: [42 as unknown as typeof ClassProvider] })).toThrow(PeerHealthConfigurationError);
    expect(() => PeerHealthModule.forFeature({ providers: [{ provide: 'X' } as unknown as typeof ClassProvider] })).toThrow(
      /must have useClass, useValue or useFactory/,
    );
  });
});

describe('unknown options', () => {
  it('stops forRoot naming the key and the nearest known option', async () => {
    const options = { heartbeatGraceMs: 5 } as unknown as PeerHealthModuleOptions;
    const error = await configurationError([PeerHealthModule.forRoot(options)]);
    expect(error.option).toBe('heartbeatGraceMs');
    expect(error.message).toContain('did you mean heartbeatGracePeriodMs?');
  });

  it('names a misspelt extra, and a nested key with its path', async () => {
    expect((await configurationError([PeerHealthModule.forRoot({ dashbord: true } as unknown as PeerHealthModuleOptions)])).message).toContain(
      'did you mean dashboard?',
    );
    const nested = await configurationError([PeerHealthModule.forRoot({ events: { keepAlive: 5 } } as unknown as PeerHealthModuleOptions)]);
    expect(nested.option).toBe('events.keepAlive');
    expect(nested.message).toContain('did you mean events.keepAliveMs?');
    const far = await configurationError([PeerHealthModule.forRoot({ zzz: 1 } as unknown as PeerHealthModuleOptions)]);
    expect(far.message).toContain('known options: heartbeatGracePeriodMs,');
  });

  it('stops forRootAsync on what its factory returns, and says where an extra belongs', async () => {
    const typo = await configurationError([
      PeerHealthModule.forRootAsync({ useFactory: () => ({ retentionMS: 60_000 }) as unknown as PeerHealthModuleOptions }),
    ]);
    expect(typo.message).toContain('did you mean retentionMs?');
    const extra = await configurationError([
      PeerHealthModule.forRootAsync({ useFactory: () => ({ dashboard: true }) as unknown as PeerHealthModuleOptions }),
    ]);
    expect(extra.option).toBe('dashboard');
    expect(extra.message).toContain('give it to PeerHealthModule.forRootAsync({ dashboard, useFactory, ... }) itself');
  });

  it('still accepts every extra in forRoot and forRootAsync', async () => {
    const extras = { isGlobal: true, controller: true, pathPrefix: '/ops', guards: [], dashboard: true, guardDashboard: false, skipThrottle: ['default'], openApi: true };
    expect(await startupError([PeerHealthModule.forRoot({ heartbeatGracePeriodMs: 1000, ...extras, notModifiedAuthorizer: () => false })])).toBeUndefined();
    expect(await startupError([PeerHealthModule.forRootAsync({ ...extras, useFactory: () => ({ retentionMs: 60_000 }) })])).toBeUndefined();
  });

  it('is what the options token carries: overrideProvider(PEER_HEALTH_MODULE_OPTIONS) is checked the same way', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [PeerHealthModule.forRoot()] })
      .overrideProvider(PEER_HEALTH_MODULE_OPTIONS)
      .useValue({ graceMs: 5 })
      .compile()
      .catch((error: unknown) => error);
    expect(moduleRef).toBeInstanceOf(PeerHealthConfigurationError);
  });
});
