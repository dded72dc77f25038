/** A gossip message, entry or probe result that breaks the wire format or its bounds. */
export class GossipMessageError extends Error {
  override readonly name = 'GossipMessageError';

  /** `tooLarge`: over a count limit (413) rather than malformed (400). */
  constructor(
    message: string,
    readonly tooLarge = false,
  ) {
    super(message);
  }
}
