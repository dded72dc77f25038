import { PeerHealthConfigurationError } from './peer-health-configuration.error';

/**
 * The error of a provider registered under PEER_HEALTH_SNAPSHOT_PROVIDERS itself (`{ provide:
 * PEER_HEALTH_SNAPSHOT_PROVIDERS, useClass }`, a value, a factory or an override): the token is the
 * kit's list and cannot be extended that way, so start-up stops and says how to register a provider.
 */
export function snapshotProvidersOverridden(moduleName: string | undefined, instance: unknown): PeerHealthConfigurationError {
  const what =
    typeof instance === 'object' && instance !== null && !Array.isArray(instance) ? ` (an instance of ${instance.constructor.name})` : '';
  return new PeerHealthConfigurationError(
    'PEER_HEALTH_SNAPSHOT_PROVIDERS',
    `@omnirelay/peer-health: a provider is registered under PEER_HEALTH_SNAPSHOT_PROVIDERS${moduleName ? ` in ${moduleName}` : ''}${what}. ` +
      'That token is the kit\'s list of snapshot providers: a provider of its own would not join the list, and would hide it ' +
      'from injection. Register a snapshot provider with @PeerHealthSnapshotProvider() on its class (declared in any module), ' +
      'or with PeerHealthModule.forFeature({ providers: [MyProvider, { provide: MY_TOKEN, useValue | useFactory | useClass }] }).',
  );
}
