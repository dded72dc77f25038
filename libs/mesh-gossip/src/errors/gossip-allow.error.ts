/** An entry of the allow-list that is neither a CIDR, an address nor a host name, or is never allowed. */
export class GossipAllowError extends Error {
  override readonly name = 'GossipAllowError';
}
