/** How a message from another node ended; the labels of the message counters. */
export type GossipInboundOutcome = 'accepted' | 'unauthenticated' | 'replayed' | 'malformed' | 'too-large';
