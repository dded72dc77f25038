/** A key that is not base64 of 32 bytes. The message never contains the key itself. */
export class GossipKeyError extends Error {
  override readonly name = 'GossipKeyError';
}
