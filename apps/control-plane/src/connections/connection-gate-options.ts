/** Bounds of the host's connection gate (flags `--max-connections`, `--max-connections-per-address`, ...). */
export interface ConnectionGateOptions {
  /** Open connections at once. */
  readonly maxConnections: number;
  /** Open connections at once from one remote address. */
  readonly maxConnectionsPerAddress: number;
  /** Slots unauthenticated connections never keep idle: room for health probes and callers with a token. */
  readonly reservedConnections: number;
  /** An unauthenticated connection without a request this long is closed. */
  readonly unauthenticatedIdleMs: number;
  /** False without a tokens file (the loopback demo): nobody authenticates, so every connection counts as a known caller's. */
  readonly authenticates: boolean;
}
