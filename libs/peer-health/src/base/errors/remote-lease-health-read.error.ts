import { PEER_HEALTH_ERROR_CODES } from './peer-health-error-codes';

/**
 * Why one remote host's lease health could not be used: no answer in time, a refused or failed
 * connection, a status other than 200/304, an oversized or malformed body. The message is one
 * line about the host's answer and never carries request headers (the bearer token).
 */
export class RemoteLeaseHealthReadError extends Error {
  override readonly name = 'RemoteLeaseHealthReadError';
  /** Always `PEER_HEALTH_ERR_REMOTE_READ`. */
  readonly code = PEER_HEALTH_ERROR_CODES.remoteRead;

  constructor(
    /** The base URL of the host that was read. */
    readonly source: string,
    message: string,
  ) {
    super(message);
  }
}
