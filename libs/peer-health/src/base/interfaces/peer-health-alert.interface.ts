/** An alert raised by the tracker, as the seed system raised them. */
export interface PeerHealthAlert {
  readonly name: 'peer_disconnect';
  readonly severity: 'warning';
  readonly message: string;
  /** `peer.id` and `reason` (`unspecified` when the disconnect gave none). */
  readonly attributes: Readonly<Record<string, string>>;
  /** Clock time of the event that raised it, epoch ms. */
  readonly at: number;
}

/**
 * Receives the tracker's alerts (pager, event bus, log shipper...). A publisher that throws or
 * rejects never breaks recording: the failure is counted as an `alert-publish-failure` anomaly.
 */
export interface PeerHealthAlertPublisher {
  publish(alert: PeerHealthAlert): void | Promise<void>;
}
