/** Who leads one scope, and since which term. Terms only grow. */
export interface ScopeLeadership {
  readonly scope: string;
  /** undefined while no candidate is alive. */
  readonly leaderId: string | undefined;
  readonly term: number;
  /** Epoch ms of the last change of leader. */
  readonly since: number;
  /**
   * While no leader can be named (none holds the scope yet, or this node's view is too old to trust):
   * the last leader known, for operators. Never a leader to act on.
   */
  readonly suspectLeaderId?: string;
}

/**
 * Where leadership comes from. The default derives it from the gossip view, so nothing external
 * has to run; a consensus-backed store (etcd, a database lease...) can implement the same interface.
 */
export interface LeadershipStore {
  leaders(): readonly ScopeLeadership[];
  /** Called whenever a scope's leader (and so its term) changes. */
  onChange(listener: (leadership: ScopeLeadership) => void): () => void;
  /** Node ids that currently take part (leaders and followers). */
  participants(): readonly string[];
  /** Begins taking part (an external store campaigns from here on). */
  start?(): void;
  /** Stops taking part and gives up any leadership at once. */
  stop?(): Promise<void>;
}
