import type { GossipInboundOutcome } from '../interfaces/gossip-inbound-outcome.interface';

/** A message refused at the door, with the HTTP status the endpoint answers. */
export class GossipRefusal extends Error {
  override readonly name = 'GossipRefusal';

  constructor(
    readonly status: 400 | 401 | 413,
    readonly outcome: Exclude<GossipInboundOutcome, 'accepted'>,
    message: string,
  ) {
    super(message);
  }
}
