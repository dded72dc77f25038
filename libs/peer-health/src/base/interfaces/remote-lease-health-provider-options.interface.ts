/** A fixed list of base URLs, or a function asked for the current list on every read. */
export type RemoteLeaseHealthTargets = readonly string[] | (() => readonly string[]);

/** CA and client certificate for https hosts (PEM). */
export interface RemoteLeaseHealthTls {
  readonly ca?: string | Buffer | undefined;
  readonly cert?: string | Buffer | undefined;
  readonly key?: string | Buffer | undefined;
}

/** Options of `new RemoteLeaseHealthProvider(options)`. */
export interface RemoteLeaseHealthProviderOptions {
  /**
   * Base URLs of the hosts to read, e.g. `http://10.0.0.7:8080` (the lease-health path is appended).
   * A function is asked on every read, so the list may follow gossip membership.
   */
  readonly targets: RemoteLeaseHealthTargets;
  /**
   * This host's own base URL(s), never read even when listed (a node does not federate itself).
   * Compared by scheme, host and port.
   */
  readonly selfUrls?: RemoteLeaseHealthTargets;
  /** Sent as `Authorization: Bearer <token>`; never logged. */
  readonly authToken?: string;
  /** A host that has not sent its whole answer within this many ms is left out (default 1000). */
  readonly timeoutMs?: number;
  /** A host whose body is longer than this many bytes is left out (default 16 MiB). */
  readonly maxBodyBytes?: number;
  /** At most this many hosts are read; the rest are reported missing (default 64). */
  readonly maxTargets?: number;
  /** A host answering more peers than this is left out (default 50,000). */
  readonly maxPeersPerTarget?: number;
  /**
   * Peers all hosts together may contribute to one read (default 100,000): hosts are counted as their
   * answers are parsed, and one that would pass the budget is left out, so one read never holds more.
   */
  readonly maxTotalPeers?: number;
  /** Body bytes all hosts together may send for one read (default 64 MiB); hosts past it are left out. */
  readonly maxTotalBodyBytes?: number;
  /** Path of the endpoint on the remote hosts (default `/omnirelay/control/lease-health`). */
  readonly path?: string;
  readonly tls?: RemoteLeaseHealthTls;
}
