import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { PeerHealthConfigurationError } from '../base/errors/peer-health-configuration.error';
import { PeerLeaseHealthTracker } from '../tracker/peer-lease-health.tracker';
import { PEER_HEALTH_SNAPSHOT_PROVIDERS } from '../base/peer-health.constants';
import { FeatureSnapshotProviderRef } from './feature-snapshot-provider';
import { PEER_HEALTH_SNAPSHOT_PROVIDER_METADATA, type PeerHealthSnapshotProvider } from './peer-health-snapshot-provider';
import { snapshotProvidersOverridden } from '../base/errors/snapshot-providers-overridden.error';

function isSnapshotProvider(value: object): value is PeerHealthSnapshotProvider {
  const candidate = value as Partial<Record<keyof PeerHealthSnapshotProvider, unknown>>;
  return typeof candidate.snapshot === 'function' && typeof candidate.isPeerEligible === 'function';
}

/**
 * Holds the ordered list behind PEER_HEALTH_SNAPSHOT_PROVIDERS: the tracker first, then every
 * provider marked with `@PeerHealthSnapshotProvider()` (directly or through `forFeature`), in the
 * order Nest registered them. The list is complete once the application has initialized.
 */
@Injectable()
export class PeerHealthProviderRegistry implements OnModuleInit {
  private readonly logger = new Logger('PeerHealthModule');
  private readonly registered: PeerHealthSnapshotProvider[];
  /** Classes already registered: a class marked with the decorator and also listed in forFeature counts once. */
  private readonly registeredClasses = new Set<unknown>();

  constructor(
    tracker: PeerLeaseHealthTracker,
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
  ) {
    this.registered = [tracker];
  }

  /** The live list (the same array object for the application's lifetime). */
  get providers(): readonly PeerHealthSnapshotProvider[] {
    return this.registered;
  }

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const type = wrapper.metatype;
      const instance: unknown = wrapper.instance;
      // Anything else under the list's token (a provider of the host, an override) would be ignored silently.
      if (wrapper.token === PEER_HEALTH_SNAPSHOT_PROVIDERS && instance !== this.registered) {
        throw snapshotProvidersOverridden(wrapper.host?.metatype.name, instance);
      }
      if (instance instanceof FeatureSnapshotProviderRef) {
        this.addFeatureInstance(instance);
        continue;
      }
      const marked =
        (typeof type === 'function' && this.reflector.get<boolean>(PEER_HEALTH_SNAPSHOT_PROVIDER_METADATA, type)) ||
        (typeof instance === 'object' &&
          instance !== null &&
          this.reflector.get<boolean>(PEER_HEALTH_SNAPSHOT_PROVIDER_METADATA, instance.constructor));
      if (!marked) continue;
      if (!wrapper.isDependencyTreeStatic()) {
        this.logger.warn(`Snapshot provider ${String(wrapper.name)} is request-scoped or transient; it is not registered.`);
        continue;
      }
      if (typeof instance !== 'object' || instance === null || !isSnapshotProvider(instance)) {
        throw new PeerHealthConfigurationError(
          'providers',
          `${String(wrapper.name)} is marked as a peer health snapshot provider but has no snapshot() and isPeerEligible() methods.`,
        );
      }
      // A class provider declared in two modules has two instances: the first one registered speaks for the class.
      if (typeof type === 'function' && !wrapper.inject) {
        if (this.registeredClasses.has(type)) continue;
        this.registeredClasses.add(type);
      }
      if (!this.registered.includes(instance)) this.registered.push(instance);
    }
  }

  /** A value or factory provider given to forFeature: registered as its instance, once. */
  private addFeatureInstance({ instance, token }: FeatureSnapshotProviderRef): void {
    if (typeof instance !== 'object' || instance === null || !isSnapshotProvider(instance)) {
      const name = typeof token === 'function' ? token.name : String(token);
      throw new PeerHealthConfigurationError(
        'providers',
        `${name}, given to PeerHealthModule.forFeature(), resolved to something without snapshot() and isPeerEligible() methods.`,
      );
    }
    if (!this.registered.includes(instance)) this.registered.push(instance);
  }
}
