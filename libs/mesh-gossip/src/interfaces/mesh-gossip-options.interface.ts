import type { GossipTlsOptions } from '../gossip-http-client';
import type { MeshLogFormat } from '../telemetry/mesh-audit-log';

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
  /**
   * Cluster keys, base64 of 32 bytes each: the first signs, all verify. Any key holder can sign for
   * any node id; `identity` binds each message to its sender. Without keys or identity gossip is
   * unsigned (the loopback demo); production needs one of them.
   */
  readonly keys?: readonly string[];
  /**
   * This node's own Ed25519 private key (PEM) and the trust file's JSON text (every node id's public
   * key, and optionally its role): each message is signed by its sender and names only it.
   */
  readonly identity?: { readonly privateKey: string; readonly trust: string };
  /**
   * Where members may be (CIDRs, addresses, host names, `*.suffix`, each optionally with `:port`,
   * `:low-high` or `:*`). Default: loopback and the network of each seed. An entry without a port
   * admits the gossip ports only (seeds', this node's, and those of members that spoke for
   * themselves or that a seed introduced). Link-local and metadata addresses are never allowed.
   */
  readonly allow?: readonly string[];
  /** Members known at once (default 4096); more are refused and counted. */
  readonly maxMembers?: number;
  /** Left and dead members kept (default 1024); the oldest are forgotten first. */
  readonly maxTombstones?: number;
  /** A signed message is accepted within ±this of its sentAt (default 30000). */
  readonly replayWindowMs?: number;
  /** TLS options for gossip requests to https:// members. */
  readonly tls?: GossipTlsOptions;
  /** Audit lines as JSON objects (for a host whose logger prints JSON) or key=value text (default). */
  readonly logFormat?: MeshLogFormat;
}
