/** What a node says about itself; spread by gossip. */
export interface GossipMemberInfo {
  readonly nodeId: string;
  /** Base URL of the node's HTTP server, e.g. http://127.0.0.1:8080 */
  readonly url: string;
  readonly role: string;
  readonly cluster: string;
  readonly region: string;
  readonly meshVersion: string;
  readonly http3: boolean;
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * alive: heart-beating; suspect: no heartbeat progress for the suspicion timeout, or unreachable
 * directly and through other members (a failed indirect probe); dead: suspect for another suspicion
 * timeout; left: said goodbye. Alive, suspect and left travel on the wire; dead never does.
 */
export type GossipMemberState = 'alive' | 'suspect' | 'dead' | 'left';

/** One entry of a gossip message. (incarnation, heartbeat) orders versions; a restart starts a new incarnation. */
export interface GossipDigestEntry extends GossipMemberInfo {
  readonly incarnation: number;
  readonly heartbeat: number;
  /**
   * `suspect` (from a third party only) names the version the sender suspects: it is refuted by any
   * heartbeat of the member past it, and never makes a member dead by itself.
   */
  readonly state: 'alive' | 'suspect' | 'left';
}

/**
 * One member in a compact digest: its version and state without its metadata (a few dozen bytes), so
 * that one message holds the whole member list. On the wire a tuple `[nodeId, incarnation,
 * heartbeat, state]` with state 0 alive, 1 suspect, 2 left. It claims no more than a full entry of a
 * third party for a member the receiver knows, and introduces no one (the receiver pulls the full
 * entry of an unknown id with `want`).
 */
export interface GossipCompactEntry {
  readonly nodeId: string;
  readonly incarnation: number;
  readonly heartbeat: number;
  readonly state: GossipDigestEntry['state'];
}

/** A relay's verdict on a probe it ran for the requester; `declined`: unknown member, or too many probes at once. */
export type GossipProbeResult = 'reached' | 'unreached' | 'declined';

export interface GossipMessage {
  /** The sender's node id; authenticated by the envelope's MAC when the cluster has a gossip key. */
  readonly from: string;
  readonly members: readonly GossipDigestEntry[];
  /** Epoch ms when sent; required (and checked against the replay window) when messages are signed. */
  readonly sentAt?: number;
  /** Random, unique per message; required (and remembered for the replay window) when messages are signed. */
  readonly nonce?: string;
  /** In an answer: the nonce of the request it answers. */
  readonly replyTo?: string;
  /** In a request: the node id of a member the receiver is asked to contact on the sender's behalf (SWIM ping-req). */
  readonly probe?: string;
  /** In the answer to a probe request: whether the receiver reached that member. */
  readonly probeResult?: GossipProbeResult;
  /** A request pushing news (fresh suspicions) at once: its answer carries the receiver's own entry only. */
  readonly news?: true;
  /**
   * The sender's compact digest (message format 2): every member it knows, or the next page of them
   * when the list outgrows one message. Its presence says the sender reads format 2; a message
   * without it is format 1 (full entries only) and is answered in format 1.
   */
  readonly digest?: readonly GossipCompactEntry[];
  /** Node ids the sender saw in digests without knowing them: the receiver answers with their full entries. */
  readonly want?: readonly string[];
}

/** A member as the local node sees it. */
export interface GossipMemberView extends GossipMemberInfo {
  readonly incarnation: number;
  readonly heartbeat: number;
  readonly state: GossipMemberState;
  /** Milliseconds since the local node last saw this member's version advance or state change. */
  readonly lastChangeAgoMs: number;
  readonly self: boolean;
  /** The member itself told this node its current version (false: known only from other members). */
  readonly firstHand: boolean;
}
