import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { EtcdLeadershipStore, type LeadershipStore } from '@omnirelay/mesh-leadership';
import { EtcdWorkStore, type WorkStore, type WorkStoreLimits } from '@omnirelay/resource-lease';
import type { Etcd3 } from 'etcd3';
import type { HostConfig } from '../host-config';
import { campaignScopes } from './campaign-scopes';
import { createEtcdClient } from './etcd-client';
import { storeErrorsCounter, type StoreComponent } from './store-errors.metric';
import { StoreProbe } from './store-probe';

/** The leadership scope whose leader sweeps expired dispatcher leases (etcd store). */
export const DISPATCH_SCOPE = 'dispatch';

/** What `--store` decides: the stores the modules use (undefined: their embedded defaults). */
export interface HostStores {
  readonly leadership: LeadershipStore | undefined;
  readonly work: ((limits: WorkStoreLimits) => WorkStore) | undefined;
  readonly onStoreError: (component: StoreComponent) => (error: unknown) => void;
  /** Whether etcd answers, for readiness (undefined: the embedded store, always there). */
  readonly probe: StoreProbe | undefined;
  /** Closes the etcd client at shutdown (after the modules gave up their leadership). */
  readonly closer: OnApplicationShutdown;
}

const NOTHING_TO_CLOSE: OnApplicationShutdown = { onApplicationShutdown: () => undefined };

/** Logs the first failure of a streak and the recovery, not every failed call. */
function errorReporter(logger: Logger): (component: StoreComponent) => (error: unknown) => void {
  const failing = new Set<StoreComponent>();
  const counter = storeErrorsCounter();
  return (component) => (error) => {
    counter.inc({ component });
    if (failing.has(component)) return;
    failing.add(component);
    logger.warn(`etcd call failed (${component}): ${error instanceof Error ? error.message : String(error)}`);
    setTimeout(() => failing.delete(component), 10_000).unref();
  };
}

export function hostStores(config: HostConfig, dispatches: boolean): HostStores {
  if (config.store === 'memory') {
    return { leadership: undefined, work: undefined, onStoreError: () => () => undefined, probe: undefined, closer: NOTHING_TO_CLOSE };
  }
  const logger = new Logger('EtcdStore');
  const client: Etcd3 = createEtcdClient(config);
  const onStoreError = errorReporter(logger);
  const leadership = new EtcdLeadershipStore({
    client,
    prefix: config.etcdPrefix,
    nodeId: config.nodeId,
    scopes: [...config.scopes.filter((s) => s !== DISPATCH_SCOPE), DISPATCH_SCOPE],
    campaignScopes: [...campaignScopes(config).filter((s) => s !== DISPATCH_SCOPE), ...(dispatches ? [DISPATCH_SCOPE] : [])],
    ttlMs: config.leaderTtlMs,
    onStoreError: onStoreError('leadership'),
  });
  const work = (limits: WorkStoreLimits): WorkStore =>
    new EtcdWorkStore({ client, prefix: config.etcdPrefix, limits, sweepFence: () => leadership.fence(DISPATCH_SCOPE) });
  logger.log(`store: etcd at ${config.etcdEndpoints.join(', ')} under ${config.etcdPrefix}`);
  const probe = new StoreProbe(client, `${config.etcdPrefix}readiness`);
  return { leadership, work, onStoreError, probe, closer: { onApplicationShutdown: () => client.close() } };
}
