// Re-exports for the tracker's files, which still import from here; every other file imports the
// error, the codes or describeValue from its own file.
export { PEER_HEALTH_ERROR_CODES } from './peer-health-error-codes';
export { PeerHealthInputError } from './peer-health-input.error';
export { PeerHealthConfigurationError } from './peer-health-configuration.error';
/** @internal */
export { describeValue } from './describe-value';
