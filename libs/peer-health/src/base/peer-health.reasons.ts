/** `disconnect.reason` of a peer whose lease expired (`recordLeaseExpired`), and the transition's reason. */
export const LEASE_EXPIRED_REASON = 'lease-expired';
