/** The timings and fan-out of a node's gossip rounds (the service's options with their defaults applied). */
export interface GossipRoundTiming {
  readonly roundIntervalMs: number;
  /** Peers contacted per round. */
  readonly fanout: number;
  /** The configured suspicion timeout; the applied one is stretched when the member list takes several messages. */
  readonly suspicionTimeoutMs: number;
  /** Dead and left members are forgotten after this long. */
  readonly forgetAfterMs: number;
}
