/** The timings and fan-out of a node's gossip rounds (the service's options with their defaults applied). */
export interface GossipRoundTiming {
  readonly roundIntervalMs: number;
  /** Peers contacted per round. */
  readonly fanout: number;
  /**
   * Suspect this long: dead (shorter once others confirm the suspicion). Also the silence allowed
   * before a node suspects a member on its own, stretched when the digest goes in several messages.
   */
  readonly suspicionTimeoutMs: number;
  /** Dead and left members are forgotten after this long. */
  readonly forgetAfterMs: number;
}
