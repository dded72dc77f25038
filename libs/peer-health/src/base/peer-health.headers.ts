/** Response header naming the snapshot providers an answer was served without. */
export const PARTIAL_ANSWER_HEADER = 'X-Peer-Health-Partial';
/**
 * Request header marking a read made by another host's remote provider. Such a read is answered
 * with this host's own view only (remote providers left out), so federation never goes past one hop.
 */
export const FEDERATED_READ_HEADER = 'X-Peer-Health-Federated';
