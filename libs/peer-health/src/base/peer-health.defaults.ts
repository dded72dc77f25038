/** Every default of the kit, in one place. */
export const PEER_HEALTH_DEFAULTS = {
  /** How long after its last heartbeat a peer stays healthy. */
  heartbeatGracePeriodMs: 30_000,
  /** How long a peer may go without any event before it is forgotten: operators look for recently lost peers. */
  retentionMs: 3_600_000,
  /** Peers tracked at once; past it, new peers are counted as `peer-limit` anomalies and not tracked. */
  maxPeers: Infinity,
  maxPeerIdLength: 256,
  metadataLimits: { maxEntriesPerPeer: 64, maxKeyLength: 256, maxValueLength: 1024 },
  flapping: { transitions: 6, windowMs: 60_000 },
  /** Distinct `rpc_peer` label values before the rest fold into `__overflow__`. */
  maxPeerLabelValues: 1_000,
  /** Distinct values of each other free-text metric label. */
  maxLabelValues: 1_000,
  /** Flapping peers named in the one summary line a flapping window may log. */
  flappingPeersNamed: 5,
} as const;
