import type { PeerLeaseHealthSnapshot } from './peer-lease-health-snapshot.interface';

/** A source a provider could not read for one answer, and why (one line, no secrets). */
export interface PeerHealthMissingSource {
  /** What the source is to an operator, e.g. the base URL of a remote host. */
  readonly source: string;
  readonly reason: string;
}

/**
 * What a provider that gathers several sources answers: the snapshots it has, and the sources it
 * was built without. The endpoint serves the snapshots and marks the answer partial, naming each
 * missing source in the `X-Peer-Health-Partial` header.
 */
export interface PeerHealthProviderAnswer {
  readonly snapshots: readonly PeerLeaseHealthSnapshot[];
  readonly missingSources: readonly PeerHealthMissingSource[];
}
