/** What a query filter may look at of a peer: the same for tracker states and merged snapshots. */
export interface FilterablePeer {
  readonly peerId: string;
  readonly isHealthy: boolean;
  /** The metadata value whose key equals `lowerKey` case-insensitively, or undefined. */
  metadataValue(lowerKey: string): string | undefined;
}

/** A parsed filter: true when the peer belongs in the answer. */
export type PeerPredicate = (peer: FilterablePeer) => boolean;
