import type { InjectionToken, Provider } from '@nestjs/common';
import { describeValue } from '../base/errors/describe-value';
import { PeerHealthConfigurationError } from '../base/errors/peer-health-configuration.error';
import { PEER_HEALTH_SNAPSHOT_PROVIDERS } from '../base/peer-health.constants';
import { FeatureSnapshotProviderRef } from '../providers/feature-snapshot-provider';
import { PeerHealthSnapshotProvider } from '../providers/peer-health-snapshot-provider';

/** The kit's own provider that hands a value or factory provider's instance to the registry. */
interface RefProvider {
  readonly provide: symbol;
  readonly useFactory: (instance: unknown) => FeatureSnapshotProviderRef;
  readonly inject: InjectionToken[];
}

const REF_MARK = Symbol('peer-health feature ref');

/** @internal */
export function isRef(provider: Provider): boolean {
  return typeof provider === 'object' && REF_MARK in provider;
}

/** @internal */
export function tokenOf(provider: Provider): InjectionToken {
  return typeof provider === 'function' ? provider : provider.provide;
}

function describeToken(token: InjectionToken): string {
  return typeof token === 'function' ? token.name : String(token);
}

function refuse(message: string): never {
  throw new PeerHealthConfigurationError('forFeature', `PeerHealthModule.forFeature(): ${message}`);
}

/**
 * The Nest providers of `forFeature({ providers })`: classes (and `useClass` providers) are marked with
 * `@PeerHealthSnapshotProvider()` and found by their class; value and factory providers are followed
 * by a provider of the kit's that hands their instance to the registry, in the order given.
 * @internal
 */
export function featureProviders(given: readonly unknown[]): Provider[] {
  const providers: Provider[] = [];
  given.forEach((provider, index) => {
    if (typeof provider === 'function') {
      PeerHealthSnapshotProvider()(provider);
      providers.push(provider as Provider);
      return;
    }
    if (typeof provider !== 'object' || provider === null || !('provide' in provider)) {
      refuse(`providers[${index}] must be a class or a { provide, useClass | useValue | useFactory } provider, got ${describeValue(provider)}.`);
    }
    const { provide } = provider as { provide: InjectionToken };
    if (provide === PEER_HEALTH_SNAPSHOT_PROVIDERS) {
      refuse(`providers[${index}] is provided under PEER_HEALTH_SNAPSHOT_PROVIDERS, the kit's list; give it a token of its own.`);
    }
    if ('useClass' in provider && typeof provider.useClass === 'function') {
      PeerHealthSnapshotProvider()(provider.useClass);
      providers.push(provider as Provider);
      return;
    }
    if (!('useValue' in provider) && !('useFactory' in provider)) {
      refuse(`providers[${index}] (${describeToken(provide)}) must have useClass, useValue or useFactory.`);
    }
    providers.push(provider as Provider);
    const ref: RefProvider & { [REF_MARK]: true } = {
      provide: Symbol(`PEER_HEALTH_FEATURE_PROVIDER(${describeToken(provide)})`),
      useFactory: (instance: unknown) => new FeatureSnapshotProviderRef(instance, provide),
      inject: [provide],
      [REF_MARK]: true,
    };
    providers.push(ref);
  });
  return providers;
}
