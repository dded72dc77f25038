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
