import { PEER_HEALTH_ERROR_CODES } from './peer-health-error-codes';

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
