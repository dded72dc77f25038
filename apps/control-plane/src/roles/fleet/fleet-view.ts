import type { Provider } from '@nestjs/common';
import { MeshGossipService } from '@omnirelay/mesh-gossip';
import { RemoteLeaseHealthProvider } from '@omnirelay/peer-health';
import type { HostConfig } from '../../host-config';
import type { HostSecurity } from '../../security/host-security';

/** The gossip role whose members hold leases: the hosts a control-plane node reads by discovery. */
export const DISPATCHER_ROLE = 'dispatcher';

/** How long the endpoint waits for the remote provider beyond its own read limit (a scheduling margin). */
const PROVIDER_TIMEOUT_MARGIN_MS = 1000;

/**
 * Base URLs of the dispatchers gossip knows first-hand: members that told this node their current
 * version themselves (`firstHand`, as leadership counts candidates), never one that only a third
 * party vouched for, which could point this node's reads and its token at any allowed address.
 * Members that left said goodbye and are dropped; a suspect or dead one stays listed until gossip
 * forgets it, so a dispatcher that crashed shows as a missing host (a partial answer) instead of
 * silently vanishing from the fleet view.
 */
export function dispatcherUrls(gossip: MeshGossipService): string[] {
  return gossip
    .members()
    .filter((member) => !member.self && member.firstHand && member.role === DISPATCHER_ROLE && member.state !== 'left' && member.url !== '')
    .map((member) => member.url);
}

/** Which hosts this node reads, if any: the --federate list, else dispatcher discovery on a control-plane node. */
export function fleetMode(config: HostConfig): 'static' | 'discovery' | 'off' {
  if (config.federate.length > 0) return 'static';
  return config.role === 'control-plane' && config.federateDiscovery ? 'discovery' : 'off';
}

/** The endpoint's provider time limit when this node federates, else undefined (the kit's default). */
export function fleetProviderTimeoutMs(config: HostConfig): number | undefined {
  return fleetMode(config) === 'off' ? undefined : config.federateTimeoutMs + PROVIDER_TIMEOUT_MARGIN_MS;
}

/**
 * The remote provider of the fleet view, or undefined when this node reads no other host. Reads carry
 * the node's own --auth-token and TLS client settings; the node's own URL is never read.
 */
export function fleetViewProvider(config: HostConfig, security: HostSecurity): Provider | undefined {
  const mode = fleetMode(config);
  if (mode === 'off') return undefined;
  return {
    provide: RemoteLeaseHealthProvider,
    useFactory: (gossip: MeshGossipService) =>
      new RemoteLeaseHealthProvider({
        targets: mode === 'static' ? config.federate : () => dispatcherUrls(gossip),
        selfUrls: () => [
          ...(config.advertiseUrl === undefined ? [] : [config.advertiseUrl]),
          ...gossip.members().filter((member) => member.self && member.url !== '').map((member) => member.url),
        ],
        timeoutMs: config.federateTimeoutMs,
        // One read holds at most --max-peers remote peers and --federate-max-bytes of bodies in all.
        maxPeersPerTarget: config.federateMaxPeers,
        maxTotalPeers: config.maxPeers,
        maxTotalBodyBytes: config.federateMaxBytes,
        ...(config.authToken === undefined ? {} : { authToken: config.authToken }),
        ...(security.tls.client ? { tls: security.tls.client } : {}),
      }),
    inject: [MeshGossipService],
  };
}
