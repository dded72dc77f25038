import type { GossipTransport } from '../gossip-transport';

export interface MeshGossipOptions {
  readonly nodeId: string;
  readonly role: string;
  readonly cluster?: string;
  readonly region?: string;
  readonly meshVersion?: string;
  readonly http3?: boolean;
  readonly labels?: Readonly<Record<string, string>>;
  /** Base URLs of nodes to join through. */
  readonly seeds?: readonly string[];
  /** One gossip round every this many ms (default 1000). */
  readonly roundIntervalMs?: number;
  /** Peers contacted per round (default 3). */
  readonly fanout?: number;
  /** No heartbeat progress for this long makes a member suspect; as long again makes it dead (default 5000). */
  readonly suspicionTimeoutMs?: number;
  /** Per request (default 1000). */
  readonly requestTimeoutMs?: number;
  /** Dead and left members are forgotten after this long (default 600000). */
  readonly forgetAfterMs?: number;
  /** Sent as `Authorization: Bearer <token>` on every gossip request (hosts that require tokens). */
  readonly authToken?: string;
  /** How requests are sent (default: fetch); for a private CA or a client certificate. */
  readonly transport?: GossipTransport;
}
