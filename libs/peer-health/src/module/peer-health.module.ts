import { Module, type DynamicModule } from '@nestjs/common';
import { DiscoveryModule, ModulesContainer } from '@nestjs/core';
import { ConditionalGetHook } from '../diagnostics/conditional-get.hook';
import { PeerHealthDiagnosticsService } from '../diagnostics/peer-health-diagnostics.service';
import { ProviderFanOut } from '../diagnostics/fan-out/provider-fan-out';
import { PeerHealthEligibility } from '../diagnostics/fan-out/peer-health-eligibility';
import { LeaseHealthEventHub } from '../diagnostics/events/lease-health-event-hub';
import { PeerHealthProviderRegistry } from '../providers/peer-health-provider.registry';
import type { PeerHealthAlertPublisher } from '../base/interfaces/peer-health-alert.interface';
import { PeerHealthTelemetryService } from '../telemetry/peer-health-telemetry.service';
import { describeValue } from '../base/errors/describe-value';
import { PeerHealthConfigurationError } from '../base/errors/peer-health-configuration.error';
import { PeerLeaseHealthTracker } from '../tracker/peer-lease-health.tracker';
import type { PeerHealthModuleOptions } from './interfaces/peer-health-module-options.interface';
import { PeerHealthFeatureModule } from './peer-health-feature.module';
import { featureProviders, isRef, tokenOf } from './feature-providers';
import type { PeerHealthFeatureProvider } from '../providers/feature-snapshot-provider';
import { PEER_HEALTH_ALERT_PUBLISHER, PEER_HEALTH_RESOLVED_OPTIONS, PEER_HEALTH_SNAPSHOT_PROVIDERS } from '../base/peer-health.constants';
import {
  ConfigurablePeerHealthModule,
  PEER_HEALTH_MODULE_OPTIONS,
  PEER_HEALTH_OPTIONS_TYPE,
} from './peer-health.module-definition';
import { resolvePeerHealthOptions } from './peer-health-options';
import { assertImportedOnce, assertRootImported } from './root-module-count';

/** Tokens of the start-up checks (their factories throw; the values are never used). */
const IMPORTED_ONCE_CHECK = Symbol('PEER_HEALTH_IMPORTED_ONCE_CHECK');
const ROOT_IMPORTED_CHECK = Symbol('PEER_HEALTH_ROOT_IMPORTED_CHECK');

/** What `PeerHealthModule.forFeature()` takes: the snapshot providers of a feature module. */
export interface PeerHealthFeatureOptions {
  /**
   * Snapshot providers, in order: classes (marked with `@PeerHealthSnapshotProvider()` and provided
   * here), and `{ provide, useClass }`, `{ provide, useValue }` or `{ provide, useFactory, inject }`
   * providers under tokens of their own (injectable by those tokens; never PEER_HEALTH_SNAPSHOT_PROVIDERS).
   */
  readonly providers: readonly PeerHealthFeatureProvider[];
  /** Modules whose exports the providers inject (a factory's `inject`, a class's constructor). */
  readonly imports?: DynamicModule['imports'];
}

/**
 * The peer health kit: the tracker, the snapshot providers, the diagnostics endpoint and telemetry.
 * Import `PeerHealthModule.forRoot()` (or `forRootAsync()`) once, in the root module.
 */
@Module({
  imports: [DiscoveryModule],
  providers: [
    // Providers are created before any route is declared: a second import fails here, with the kit's error.
    {
      provide: IMPORTED_ONCE_CHECK,
      useFactory: (modules: ModulesContainer) => assertImportedOnce(modules, PeerHealthModule),
      inject: [ModulesContainer],
    },
    { provide: PEER_HEALTH_RESOLVED_OPTIONS, useFactory: resolvePeerHealthOptions, inject: [PEER_HEALTH_MODULE_OPTIONS] },
    {
      provide: PeerLeaseHealthTracker,
      // Injects the resolved options only to be built after them: unknown keys are refused first.
      useFactory: (options: PeerHealthModuleOptions | undefined, publisher: PeerHealthAlertPublisher | undefined) =>
        new PeerLeaseHealthTracker({ ...options, alertPublisher: options?.alertPublisher ?? publisher }),
      inject: [PEER_HEALTH_MODULE_OPTIONS, { token: PEER_HEALTH_ALERT_PUBLISHER, optional: true }, PEER_HEALTH_RESOLVED_OPTIONS],
    },
    PeerHealthProviderRegistry,
    {
      provide: PEER_HEALTH_SNAPSHOT_PROVIDERS,
      useFactory: (registry: PeerHealthProviderRegistry) => registry.providers,
      inject: [PeerHealthProviderRegistry],
    },
    ProviderFanOut,
    PeerHealthEligibility,
    PeerHealthDiagnosticsService,
    PeerHealthTelemetryService,
    ConditionalGetHook,
    LeaseHealthEventHub,
  ],
  exports: [
    PeerLeaseHealthTracker,
    PEER_HEALTH_SNAPSHOT_PROVIDERS,
    PeerHealthEligibility,
    PeerHealthDiagnosticsService,
    PeerHealthTelemetryService,
    LeaseHealthEventHub,
  ],
})
export class PeerHealthModule extends ConfigurablePeerHealthModule {
  static override forRoot(options: typeof PEER_HEALTH_OPTIONS_TYPE = {}): DynamicModule {
    // JavaScript callers and config loaders can hand over null or a primitive: name the problem here.
    const given: unknown = options;
    if (typeof given !== 'object' || given === null) {
      throw new PeerHealthConfigurationError(
        'options',
        `PeerHealthModule.forRoot() takes an options object (or nothing), got ${describeValue(given)}.`,
      );
    }
    return super.forRoot(options);
  }

  /** Registers snapshot providers from a feature module; they join PEER_HEALTH_SNAPSHOT_PROVIDERS in this order. */
  static forFeature(options: PeerHealthFeatureOptions): DynamicModule {
    const given: unknown = options;
    const list: unknown = typeof given === 'object' && given !== null ? (given as { providers?: unknown }).providers : undefined;
    if (!Array.isArray(list)) {
      throw new PeerHealthConfigurationError('forFeature', `PeerHealthModule.forFeature() takes { providers: [...] }, got ${describeValue(given)}.`);
    }
    const providers = featureProviders(list as readonly unknown[]);
    const rootCheck = {
      provide: ROOT_IMPORTED_CHECK,
      useFactory: (modules: ModulesContainer) => assertRootImported(modules, PeerHealthModule),
      inject: [ModulesContainer],
    };
    const exported = providers.filter((provider) => typeof provider === 'function' || !isRef(provider));
    const imports = (given as { imports?: DynamicModule['imports'] }).imports ?? [];
    return { module: PeerHealthFeatureModule, imports, providers: [rootCheck, ...providers], exports: exported.map(tokenOf) };
  }
}
