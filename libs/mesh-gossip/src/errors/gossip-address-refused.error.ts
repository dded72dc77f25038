/** A request this node refused to make: the address is not allowed. */
export class GossipAddressRefused extends Error {
  override readonly name = 'GossipAddressRefused';
}
