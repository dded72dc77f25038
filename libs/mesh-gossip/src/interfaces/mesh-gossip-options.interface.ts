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
   * Cluster keys, base64 of 32 bytes each: the first signs, all verify. Without keys gossip is
   * unsigned (the loopback demo); production needs a key.
   */
  readonly keys?: readonly string[];
  /**
   * Where members may be (CIDRs, addresses, host names, `*.suffix`). Default: loopback and the
   * network of each seed. Link-local and metadata addresses are never allowed.
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
  /** Sent as `Authorization: Bearer <token>` with every gossip request, for hosts that require tokens; never logged. */
  readonly authToken?: string;
  /** Audit lines as JSON objects (for a host whose logger prints JSON) or key=value text (default). */
  readonly logFormat?: MeshLogFormat;
}
