import type { LeadershipStore } from './leadership-store.interface';

export interface MeshLeadershipOptions {
  /** Scope ids, e.g. ['global', 'shard-00'] (default ['global']). */
  readonly scopes?: readonly string[];
  /** Gossip roles that may lead (default ['control-plane', 'dispatcher', 'all-in-one']). */
  readonly candidateRoles?: readonly string[];
  /** A store other than the embedded gossip-derived one. */
  readonly store?: LeadershipStore;
}
