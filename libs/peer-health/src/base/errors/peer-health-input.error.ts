import { PEER_HEALTH_ERROR_CODES } from './peer-health-error-codes';

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
