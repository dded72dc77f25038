/** Bounds of one node's membership table. */
export interface GossipMembershipLimits {
  /** Members known at once, tombstones included; new members past it are refused and counted (default 4096). */
  readonly maxMembers: number;
  /** Left and dead members kept; the oldest are forgotten first past it (default 1024). */
  readonly maxTombstones: number;
}

export const DEFAULT_MEMBERSHIP_LIMITS: GossipMembershipLimits = { maxMembers: 4096, maxTombstones: 1024 };

/**
 * How far past the suspected heartbeat a heartbeat must be to refute a suspicion: two rounds of
 * slack, because the heartbeats a member sent just before it went silent may still be on their way
 * (a heartbeat takes up to two rounds to reach every member) and must not refute it.
 */
export const REFUTING_HEARTBEATS = 3;
