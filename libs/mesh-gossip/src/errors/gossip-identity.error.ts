/** A node key or trust file that cannot be used. The message names the entry, never a key. */
export class GossipIdentityError extends Error {
  override readonly name = 'GossipIdentityError';
}
