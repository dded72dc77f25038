import type { InjectionToken, OptionalFactoryDependency, Type } from '@nestjs/common';
import type { PeerHealthSnapshotProvider } from '../base/interfaces/peer-health-snapshot-provider.interface';

/** A snapshot provider given to `PeerHealthModule.forFeature()` under a token of its own, as an instance. */
export interface PeerHealthValueProvider {
  /** The provider's own token (never PEER_HEALTH_SNAPSHOT_PROVIDERS). */
  readonly provide: InjectionToken;
  /** The snapshot provider itself. */
  readonly useValue: PeerHealthSnapshotProvider;
}

/** A snapshot provider given to `forFeature()` under a token of its own, built by a factory (which may be async). */
export interface PeerHealthFactoryProvider {
  /** The provider's own token (never PEER_HEALTH_SNAPSHOT_PROVIDERS). */
  readonly provide: InjectionToken;
  /** Builds the snapshot provider from the `inject` tokens' values; may be async. */
  readonly useFactory: (...args: never[]) => PeerHealthSnapshotProvider | Promise<PeerHealthSnapshotProvider>;
  /** Tokens whose values are passed to `useFactory`, in order (visible through `forFeature({ imports })`). */
  readonly inject?: readonly (InjectionToken | OptionalFactoryDependency)[];
}

/** A snapshot provider class given to `forFeature()` under a token of its own. */
export interface PeerHealthClassProvider {
  /** The provider's own token (never PEER_HEALTH_SNAPSHOT_PROVIDERS). */
  readonly provide: InjectionToken;
  /** The class; it is marked with `@PeerHealthSnapshotProvider()` like a class given alone. */
  readonly useClass: Type<PeerHealthSnapshotProvider>;
}

/** What `PeerHealthModule.forFeature({ providers })` takes: classes, and class, value and factory providers. */
export type PeerHealthFeatureProvider =
  | Type<PeerHealthSnapshotProvider>
  | PeerHealthClassProvider
  | PeerHealthValueProvider
  | PeerHealthFactoryProvider;

/**
 * Wraps the instance of a value or factory provider given to forFeature, under a token of the kit's,
 * so that the registry finds it (such an instance has no class of its own to mark).
 * @internal
 */
export class FeatureSnapshotProviderRef {
  constructor(
    /** What the provider's token resolved to. */
    readonly instance: unknown,
    /** The provider's token, to name it in errors. */
    readonly token: InjectionToken,
  ) {}
}
