/** Stable codes of the kit's errors, for callers that branch on them (messages may change). */
export const PEER_HEALTH_ERROR_CODES = {
  invalidInput: 'PEER_HEALTH_ERR_INVALID_INPUT',
  configuration: 'PEER_HEALTH_ERR_CONFIGURATION',
  remoteRead: 'PEER_HEALTH_ERR_REMOTE_READ',
  producerFull: 'PEER_HEALTH_ERR_PRODUCER_FULL',
  producerClosed: 'PEER_HEALTH_ERR_PRODUCER_CLOSED',
} as const;

/**
 * Thrown by the tracker's record methods for a bad peer id, lease handle or count.
 * It is thrown before any state changes, so a rejected call leaves the tracker as it was.
 */
export class PeerHealthInputError extends TypeError {
  override readonly name = 'PeerHealthInputError';
  /** Always `PEER_HEALTH_ERR_INVALID_INPUT`. */
  readonly code = PEER_HEALTH_ERROR_CODES.invalidInput;

  constructor(
    /** The argument that was rejected, e.g. `peerId` or `handle.leaseId`. */
    readonly argument: string,
    message: string,
  ) {
    super(message);
  }
}

/** Thrown at start-up (or by the tracker's constructor) for an option that cannot work. */
export class PeerHealthConfigurationError extends Error {
  override readonly name = 'PeerHealthConfigurationError';
  /** Always `PEER_HEALTH_ERR_CONFIGURATION`. */
  readonly code = PEER_HEALTH_ERROR_CODES.configuration;

  constructor(
    /** The dotted path of the offending option, e.g. `telemetry.maxPeerLabelValues`. */
    readonly option: string,
    message: string,
  ) {
    super(message);
  }
}

/** @internal */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    return value.length > 40 ? `a string of length ${value.length}` : JSON.stringify(value);
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return typeof value;
}
