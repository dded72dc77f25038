/** Stable codes of the kit's errors, for callers that branch on them (messages may change). */
export const PEER_HEALTH_ERROR_CODES = {
  invalidInput: 'PEER_HEALTH_ERR_INVALID_INPUT',
  configuration: 'PEER_HEALTH_ERR_CONFIGURATION',
  remoteRead: 'PEER_HEALTH_ERR_REMOTE_READ',
  producerFull: 'PEER_HEALTH_ERR_PRODUCER_FULL',
  producerClosed: 'PEER_HEALTH_ERR_PRODUCER_CLOSED',
} as const;
