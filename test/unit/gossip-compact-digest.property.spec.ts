import fc from 'fast-check';
import { GossipAddressPolicy, GossipProtocol, type GossipDigestEntry, type GossipMemberInfo } from '@omnirelay/mesh-gossip';
import { gossipEntry } from '../support/gossip-entry';

// The fast path (format 2: compact digests, wants answered with full entries, changes riding along)
// against its slow twin (format 1: the whole member list in full entries): from the same random
// member tables, a few exchanges each way leave both nodes with the same tables either way.

const NOW = 1_800_000_000_000;
const policy = new GossipAddressPolicy(['127.0.0.0/8']);
const urlOf = (i: number): string => `http://127.0.0.1:${20_000 + i}`;
const selfInfo = (nodeId: string, port: number): GossipMemberInfo => {
  const { url, role, cluster, region, meshVersion, http3, labels } = gossipEntry(nodeId, `http://127.0.0.1:${port}`);
  return { nodeId, url, role, cluster, region, meshVersion, http3, labels };
};

interface Claim {
  readonly member: number;
  readonly incarnation: number;
  readonly heartbeat: number;
  readonly state: GossipDigestEntry['state'];
  /** Said by the member itself (else by a third party). */
  readonly firstHand: boolean;
}

const claim = fc.record({
  member: fc.nat(12),
  incarnation: fc.integer({ min: 1, max: 2 }),
  heartbeat: fc.nat(8),
  state: fc.constantFrom<GossipDigestEntry['state']>('alive', 'alive', 'alive', 'suspect', 'left'),
  firstHand: fc.boolean(),
});

/** A node whose table is what these claims, merged in order, leave. */
function nodeFrom(nodeId: string, port: number, claims: readonly Claim[], sendDigestEntries?: number): GossipProtocol {
  const node = new GossipProtocol(selfInfo(nodeId, port), 1, { policy, ...(sendDigestEntries === undefined ? {} : { sendDigestEntries }) });
  for (const c of claims) {
    const id = `m-${c.member}`;
    const entry = gossipEntry(id, urlOf(c.member), { incarnation: c.incarnation, heartbeat: c.heartbeat, state: c.state });
    node.membership.merge([entry], c.firstHand ? id : 'seed', NOW);
  }
  // As in a settled mesh (the changes long told): what travels is the compact digest and the answers to wants.
  node.membership.forgetPending();
  return node;
}

/** What a table holds, in a plain form: the bytes compared. */
function table(node: GossipProtocol): string {
  return JSON.stringify(node.membership.view(NOW + 10).map(({ nodeId, incarnation, heartbeat, state, firstHand, url }) => [nodeId, incarnation, heartbeat, state, firstHand, url]));
}

/** Two nodes that met (each heard the other's own entry, in the format chosen), then `rounds` exchanges each way. */
function exchange(a: GossipProtocol, b: GossipProtocol, format: 1 | 2, rounds: number): void {
  const pair: Array<[GossipProtocol, GossipProtocol]> = [
    [a, b],
    [b, a],
  ];
  for (const [x, y] of pair) {
    const marker = format === 2 ? { digest: [] } : {};
    y.receive({ from: x.membership.selfId, members: [x.membership.selfEntry()], ...marker }, NOW);
  }
  for (let i = 0; i < rounds; i++) {
    for (const [x, y] of pair) {
      const url = y.membership.selfInfo.url;
      const request = x.request(NOW + 1, url);
      const sent = JSON.parse(request.body) as { digest?: unknown };
      expect(sent.digest !== undefined).toBe(format === 2);
      const { reply } = y.receive(JSON.parse(request.body) as unknown, NOW + 1);
      if (reply === undefined) throw new Error('no reply');
      x.acceptReply(JSON.parse(reply) as unknown, request.nonce, NOW + 1, url);
    }
  }
}

describe('compact digests and deltas (format 2) against full lists (format 1)', () => {
  it('random member tables exchanged either way converge to the same tables', () => {
    fc.assert(
      fc.property(fc.array(claim, { maxLength: 40 }), fc.array(claim, { maxLength: 40 }), (claimsA, claimsB) => {
        const fastA = nodeFrom('a', 1, claimsA);
        const fastB = nodeFrom('b', 2, claimsB);
        const slowA = nodeFrom('a', 1, claimsA);
        const slowB = nodeFrom('b', 2, claimsB);
        exchange(fastA, fastB, 2, 3);
        exchange(slowA, slowB, 1, 3);
        expect(table(fastA)).toBe(table(slowA));
        expect(table(fastB)).toBe(table(slowB));
      }),
      { numRuns: 150 },
    );
  });

  it('a digest sent in windows (each message the next) leaves the same tables as full lists, once every window went', () => {
    fc.assert(
      fc.property(fc.array(claim, { maxLength: 40 }), fc.array(claim, { maxLength: 40 }), fc.integer({ min: 1, max: 5 }), (claimsA, claimsB, window) => {
        const fastA = nodeFrom('a', 1, claimsA, window);
        const fastB = nodeFrom('b', 2, claimsB, window);
        const slowA = nodeFrom('a', 1, claimsA);
        const slowB = nodeFrom('b', 2, claimsB);
        // 13 members at most: every window once, then one more exchange to answer the last wants.
        const rounds = Math.ceil(13 / window) + 1;
        exchange(fastA, fastB, 2, rounds);
        exchange(slowA, slowB, 1, rounds);
        expect(table(fastA)).toBe(table(slowA));
        expect(table(fastB)).toBe(table(slowB));
      }),
      { numRuns: 150 },
    );
  });
});
