import type { Etcd3 } from 'etcd3';

export interface EtcdLeadershipOptions {
  /** A connected client; the store does not close it (the host owns it). */
  readonly client: Etcd3;
  /** Key prefix, e.g. `/omnirelay/`; leadership keys live under `<prefix>leadership/`. */
  readonly prefix: string;
  readonly nodeId: string;
  /** Scopes shown by `leaders()`. */
  readonly scopes: readonly string[];
  /** Scopes this node campaigns for (a subset of `scopes`). */
  readonly campaignScopes: readonly string[];
  /** Lifetime of the etcd lease that backs this node's leadership (rounded up to whole seconds in etcd). */
  readonly ttlMs: number;
  /** Called with every failed etcd call (the host counts them). */
  readonly onStoreError?: (error: unknown) => void;
  readonly now?: () => number;
}
