/**
 * What went wrong, as counted in `omnirelay_peer_health_anomalies_total{kind}`:
 * - invalid-input: a record call was rejected with a PeerHealthInputError;
 * - unknown-lease-release: a release named a lease the peer did not hold;
 * - metadata-invalid: a metadata entry with a non-string value, or metadata that is not an object or Map;
 * - metadata-limit: a metadata entry over the key, value or per-peer entry limits;
 * - flapping: a peer changed status too often within the flapping window;
 * - peer-limit: an event for a new peer arrived while `maxPeers` peers were tracked; it was not tracked;
 * - provider-failure: a snapshot provider threw or rejected;
 * - provider-timeout: a snapshot provider did not answer within the provider timeout;
 * - source-failure: a provider of several sources served without one of them (RemoteLeaseHealthProvider:
 *   a remote host that failed, timed out or answered something unusable), once per missing source;
 * - invalid-snapshot: a provider answered an entry (or a whole answer) that is not a usable snapshot;
 * - alert-publish-failure: the alert publisher threw or rejected;
 * - listener-failure: a transition listener threw.
 */
export const PEER_HEALTH_ANOMALY_KINDS = [
  'invalid-input',
  'unknown-lease-release',
  'metadata-invalid',
  'metadata-limit',
  'flapping',
  'peer-limit',
  'provider-failure',
  'provider-timeout',
  'source-failure',
  'invalid-snapshot',
  'alert-publish-failure',
  'listener-failure',
] as const;

export type PeerHealthAnomalyKind = (typeof PEER_HEALTH_ANOMALY_KINDS)[number];
