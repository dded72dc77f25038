/** Resolves to every registered snapshot provider, the tracker first, then the others in registration order. */
export const PEER_HEALTH_SNAPSHOT_PROVIDERS = Symbol('PEER_HEALTH_SNAPSHOT_PROVIDERS');

/** Optional: a `PeerHealthAlertPublisher` the tracker hands its alerts to. */
export const PEER_HEALTH_ALERT_PUBLISHER = Symbol('PEER_HEALTH_ALERT_PUBLISHER');

/** The module options after defaults and validation (`ResolvedPeerHealthOptions`). */
export const PEER_HEALTH_RESOLVED_OPTIONS = Symbol('PEER_HEALTH_RESOLVED_OPTIONS');

/** The endpoint's path (prefix + route), provided when the controller is on. */
export const PEER_HEALTH_ROUTE_PATH = Symbol('PEER_HEALTH_ROUTE_PATH');
/** @internal What the conditional-GET fast path must respect: the kit's own route guards and the host's authorizer. */
export const PEER_HEALTH_NOT_MODIFIED_POLICY = Symbol('PEER_HEALTH_NOT_MODIFIED_POLICY');

export const DEFAULT_LEASE_HEALTH_PATH_PREFIX = '/omnirelay/control';
export const LEASE_HEALTH_ROUTE = 'lease-health';
/** Where the endpoint is served by default; the one spelling of the path in the kit. */
export const DEFAULT_LEASE_HEALTH_PATH = `${DEFAULT_LEASE_HEALTH_PATH_PREFIX}/${LEASE_HEALTH_ROUTE}`;
/** A hung provider delays an answer by this much at most (the endpoint then serves without it). */
export const DEFAULT_PROVIDER_TIMEOUT_MS = 200;
/** The tracker's default `maxPeerIdLength`; the endpoint's `peerId` filter accepts the same ids. */
export const DEFAULT_MAX_PEER_ID_LENGTH = 256;
/** Response header naming the snapshot providers an answer was served without. */
export const PARTIAL_ANSWER_HEADER = 'X-Peer-Health-Partial';
/**
 * Request header marking a read made by another host's remote provider. Such a read is answered
 * with this host's own view only (remote providers left out), so federation never goes past one hop.
 */
export const FEDERATED_READ_HEADER = 'X-Peer-Health-Federated';
/** A remote host that has not answered within this is left out of the answer (RemoteLeaseHealthProvider). */
export const DEFAULT_REMOTE_TIMEOUT_MS = 1000;
/** A remote host's body longer than this is refused as a failure of that host. */
export const DEFAULT_REMOTE_MAX_BODY_BYTES = 16 * 1024 * 1024;
/** More remote hosts than this in one provider's list: the rest are reported missing, not read. */
export const DEFAULT_REMOTE_MAX_TARGETS = 64;
/** `disconnect.reason` of a peer whose lease expired (`recordLeaseExpired`), and the transition's reason. */
export const LEASE_EXPIRED_REASON = 'lease-expired';
/** Peers one remote host may contribute to one read; a host answering more is refused as a failure of that host. */
export const DEFAULT_REMOTE_MAX_PEERS_PER_TARGET = 50_000;
/** Peers all remote hosts together may contribute to one read; hosts past it are refused. */
export const DEFAULT_REMOTE_MAX_TOTAL_PEERS = 100_000;
/** Body bytes all remote hosts together may send for one read; hosts past it are refused. */
export const DEFAULT_REMOTE_MAX_TOTAL_BODY_BYTES = 64 * 1024 * 1024;
