import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { MeshGossipMetrics, MeshGossipModule } from '@omnirelay/mesh-gossip';
import { MeshLeadershipMetrics, MeshLeadershipModule } from '@omnirelay/mesh-leadership';
import { PeerHealthModule, PeerLeaseHealthTracker } from '@omnirelay/peer-health';
import { JsonHttpClient, ResourceLeaseModule, ResourceLeaseQueue, WorkerAgentService } from '@omnirelay/resource-lease';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { TerminusModule } from '@nestjs/terminus';
import { PeerHealthIndicator } from '@omnirelay/peer-health/terminus';
import { HealthController } from './health/health.controller';
import { STORE_PROBE } from './health/health.constants';
import { StoreHealthIndicator } from './health/store-health.indicator';
import { APP_GUARD } from '@nestjs/core';
import type { HostConfig } from './host-config';
import { AUTH_TOKEN_TABLE } from './security/auth-tokens.constants';
import { BearerAuthGuard } from './security/bearer-auth.guard';
import { notModifiedAuthorizer } from './security/not-modified-authorizer';
import { OPEN_SECURITY, type HostSecurity } from './security/host-security';
import { UNSIGNED_GOSSIP, type GossipSigning } from './gossip/gossip-signing';
import { WorkProducerService } from './roles/dispatcher/work-producer.service';
import { FastPathContext } from './roles/dispatcher/fast-path-context';
import { LeaseRoutesHook } from './roles/dispatcher/lease-routes.hook';
import { WorkerHeartbeatHook } from './roles/dispatcher/worker-heartbeat.hook';
import { SimulatedWorkersService } from './roles/simulation/simulated-workers.service';
import { SyntheticFleetService } from './roles/simulation/synthetic-fleet.service';
import { TransportHealthProvider } from './roles/simulation/transport-health.provider';
import { hostStores } from './store/host-stores';
import { logCompletion } from './roles/dispatcher/completion-log';
import { fleetProviderTimeoutMs, fleetViewProvider } from './roles/fleet/fleet-view';

/** Wires the libs for one role. Only the app knows them all; the libs never import each other's dispatcher. */
@Module({})
export class AppModule {
  static register(config: HostConfig, security: HostSecurity = OPEN_SECURITY, signing: GossipSigning = UNSIGNED_GOSSIP): DynamicModule {
    const leads = config.role !== 'worker';
    const dispatches = config.role === 'all-in-one' || config.role === 'dispatcher';
    const simulates = config.role === 'all-in-one' && config.simulation;
    // --store: the embedded defaults, or etcd for leadership and the dispatcher's items.
    const stores = hostStores(config, dispatches);
    const providers: Provider[] = [
      { provide: 'HOST_STORE_CLOSER', useValue: stores.closer },
      { provide: AUTH_TOKEN_TABLE, useValue: security.tokens },
      { provide: APP_GUARD, useClass: BearerAuthGuard },
      MeshGossipMetrics,
    ];
    if (stores.probe) providers.push({ provide: STORE_PROBE, useValue: stores.probe });
    if (leads) providers.push(MeshLeadershipMetrics);
    // This process's own token and TLS settings, for the worker agent's calls to its configured dispatcher (gossip carries no token).
    const client = new JsonHttpClient({ authToken: config.authToken, tls: security.tls.client });
    if (dispatches) {
      providers.push(FastPathContext, WorkerHeartbeatHook, LeaseRoutesHook);
      providers.push({
        provide: WorkProducerService,
        useFactory: (queue: ResourceLeaseQueue) => new WorkProducerService(queue, config.produceIntervalMs),
        inject: [ResourceLeaseQueue],
      });
    }
    if (simulates) providers.push(TransportHealthProvider, SimulatedWorkersService);
    // The fleet view: other hosts' lease health (--federate, or the dispatchers gossip knows).
    const fleet = fleetViewProvider(config, security);
    if (fleet) providers.push(fleet);
    const providerTimeoutMs = fleetProviderTimeoutMs(config);
    if (config.syntheticPeers > 0) {
      providers.push({
        provide: SyntheticFleetService,
        useFactory: (tracker: PeerLeaseHealthTracker) =>
          new SyntheticFleetService(tracker, { peers: config.syntheticPeers, eventsPerSecond: config.syntheticRate }),
        inject: [PeerLeaseHealthTracker],
      });
    }
    if (config.role === 'worker' && config.dispatcherUrl !== undefined) {
      const dispatcherUrl = config.dispatcherUrl;
      providers.push({
        provide: WorkerAgentService,
        useFactory: () =>
          new WorkerAgentService({
            workerId: config.nodeId,
            dispatcherUrl,
            heartbeatIntervalMs: config.workerHeartbeatMs,
            workMs: config.workMs,
            client,
          }),
      });
    }
    return {
      module: AppModule,
      imports: [
        PrometheusModule.register({ path: '/metrics' }),
        TerminusModule.forRoot({ logger: false }),
        PeerHealthModule.forRoot({
          heartbeatGracePeriodMs: config.heartbeatGracePeriodMs,
          maxPeers: config.maxPeers,
          dashboard: true,
          notModifiedAuthorizer: notModifiedAuthorizer(security.tokens),
          ...(providerTimeoutMs === undefined ? {} : { providerTimeoutMs }),
        }),
        MeshGossipModule.forRoot({
          nodeId: config.nodeId,
          role: config.role,
          cluster: config.cluster,
          region: config.region,
          meshVersion: '1.4.0',
          http3: false,
          seeds: config.seeds,
          roundIntervalMs: config.gossipIntervalMs,
          suspicionTimeoutMs: config.suspicionTimeoutMs,
          keys: config.gossipKey === undefined ? config.gossipKeys : [config.gossipKey],
          allow: config.gossipAllow,
          maxMembers: config.gossipMaxMembers,
          ...(signing.identity ? { identity: signing.identity } : {}),
          logFormat: config.logFormat,
          ...(security.tls.client ? { tls: security.tls.client } : {}),
        }),
        ...(leads ? [MeshLeadershipModule.forRoot({ scopes: config.scopes, ...(stores.leadership ? { store: stores.leadership } : {}) })] : []),
        ...(dispatches
          ? [
              ResourceLeaseModule.forRoot({
                leaseDurationMs: config.leaseDurationMs,
                maxQueuedItems: config.maxQueuedItems,
                completedRetention: config.completedRetention,
                maxAttempts: config.maxAttempts,
                ...(stores.work ? { store: stores.work } : {}),
                onStoreError: stores.onStoreError('dispatcher'),
                // A dispatcher logs every completion it committed: the record that each item was done once.
                ...(config.role === 'dispatcher' ? { onCompleted: logCompletion } : {}),
              }),
            ]
          : []),
      ],
      controllers: [HealthController],
      providers: [...providers, PeerHealthIndicator, StoreHealthIndicator],
    };
  }
}
