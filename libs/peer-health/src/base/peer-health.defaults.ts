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

/** A hung provider delays an answer by this much at most (the endpoint then serves without it). */
export const DEFAULT_PROVIDER_TIMEOUT_MS = 200;
/** The tracker's default `maxPeerIdLength`; the endpoint's `peerId` filter accepts the same ids. */
export const DEFAULT_MAX_PEER_ID_LENGTH = 256;
/** A remote host that has not answered within this is left out of the answer (RemoteLeaseHealthProvider). */
export const DEFAULT_REMOTE_TIMEOUT_MS = 1000;
/** A remote host's body longer than this is refused as a failure of that host. */
export const DEFAULT_REMOTE_MAX_BODY_BYTES = 16 * 1024 * 1024;
/** More remote hosts than this in one provider's list: the rest are reported missing, not read. */
export const DEFAULT_REMOTE_MAX_TARGETS = 64;
/** Peers one remote host may contribute to one read; a host answering more is refused as a failure of that host. */
export const DEFAULT_REMOTE_MAX_PEERS_PER_TARGET = 50_000;
/** Peers all remote hosts together may contribute to one read; hosts past it are refused. */
export const DEFAULT_REMOTE_MAX_TOTAL_PEERS = 100_000;
/** Body bytes all remote hosts together may send for one read; hosts past it are refused. */
export const DEFAULT_REMOTE_MAX_TOTAL_BODY_BYTES = 64 * 1024 * 1024;
