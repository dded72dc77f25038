/** A host's answer passed what one read may hold; the host is left out, named with this reason. */
export class FederationLimitError extends Error {
  override readonly name = 'FederationLimitError';
}
