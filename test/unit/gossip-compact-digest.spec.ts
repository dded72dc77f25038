import { randomBytes } from 'node:crypto';
import { GOSSIP_LIMITS, GossipAddressPolicy, GossipKeyring, GossipProtocol, GossipRefusal, type GossipMemberInfo } from '@omnirelay/mesh-gossip';
import { gossipEntry } from '../support/gossip-entry';

const NOW = 1_800_000_000_000;
const policy = new GossipAddressPolicy(['127.0.0.0/8']);
const url = (port: number): string => `http://127.0.0.1:${port}`;
const entry = (nodeId: string, port: number, heartbeat = 1, over: Parameters<typeof gossipEntry>[2] = {}) => gossipEntry(nodeId, url(port), { heartbeat, ...over });
const info = (nodeId: string, port: number): GossipMemberInfo => {
  const { role, cluster, region, meshVersion, http3, labels } = entry(nodeId, port);
  return { nodeId, url: url(port), role, cluster, region, meshVersion, http3, labels };
};

interface Payload {
  members: Array<{ nodeId: string; heartbeat: number; state: string }>;
  digest?: Array<[string, number, number, number]>;
  want?: string[];
}
const payloadOf = (body: string): Payload => {
  const parsed = JSON.parse(body) as Payload & { payload?: string };
  return parsed.payload === undefined ? parsed : (JSON.parse(parsed.payload) as Payload);
};

/** A node that learnt `count` members (m-0 ... first-hand each), with the joins long told. */
function nodeKnowing(nodeId: string, port: number, count: number, keyring?: GossipKeyring, sendDigestEntries?: number): GossipProtocol {
  const node = new GossipProtocol(info(nodeId, port), 1, { policy, ...(keyring ? { keyring } : {}), ...(sendDigestEntries === undefined ? {} : { sendDigestEntries }) });
  for (let i = 0; i < count; i++) node.membership.merge([entry(`m-${i}`, 20_000 + i, 5)], `m-${i}`, NOW);
  node.membership.forgetPending();
  return node;
}

const stateOf = (node: GossipProtocol, nodeId: string) => node.membership.view(NOW).find((m) => m.nodeId === nodeId);

describe('compact digests (message format 2)', () => {
  it('1,000 members go in windows of sendDigestEntries, each message the next, all covered; a small mesh goes whole', () => {
    const keyring = GossipKeyring.fromBase64([randomBytes(32).toString('base64')]);
    const sender = nodeKnowing('s', 1, 1000, keyring);
    const window = GOSSIP_LIMITS.sendDigestEntries;
    const seen = new Set<string>();
    const windows = Math.ceil(1000 / window);
    for (let i = 0; i < windows; i++) {
      const { body } = sender.request(NOW);
      expect(Buffer.byteLength(body)).toBeLessThanOrEqual(GOSSIP_LIMITS.sendBytes);
      const sent = payloadOf(body);
      expect(sent.digest?.length).toBeLessThanOrEqual(window);
      expect(sent.members.map((m) => m.nodeId)).toEqual(['s']);
      for (const [nodeId] of sent.digest ?? []) seen.add(nodeId);
    }
    expect(seen.size).toBe(1000);
    // Silence is allowed 4 rounds per window; suspect to dead stays as configured (see openRound).
    expect(sender.silenceTimeoutMs(5000, 1000)).toBe(4 * 1000 * windows);
    const small = nodeKnowing('t', 2, window - 1);
    expect(payloadOf(small.request(NOW).body).digest).toHaveLength(window - 1);
    expect(small.silenceTimeoutMs(5000, 1000)).toBe(5000);
  });

  it('while the digest goes in windows, a refutation needs 3 heartbeats per window past the one suspected', () => {
    // Windows of 2 entries: 6 members take 3 messages, so the margin is 9 heartbeats.
    const node = nodeKnowing('n', 1, 6, undefined, 2);
    node.request(NOW);
    node.openRound(NOW, { roundIntervalMs: 1000, fanout: 3, suspicionTimeoutMs: 5000, forgetAfterMs: 600_000 }, []);
    const quiet = NOW + 5000;
    node.receive({ from: 'm-0', members: [entry('m-1', 20_001, 5, { state: 'suspect' })], digest: [] }, quiet);
    expect(stateOf(node, 'm-1')?.state).toBe('suspect');
    // The member's last heartbeats before it went silent still arrive through the windows: no refutation.
    node.receive({ from: 'm-2', members: [], digest: [['m-1', 1, 8, 0]] }, quiet + 1);
    expect(stateOf(node, 'm-1')?.state).toBe('suspect');
    node.receive({ from: 'm-2', members: [], digest: [['m-1', 1, 14, 0]] }, quiet + 2);
    expect(stateOf(node, 'm-1')).toMatchObject({ state: 'alive', heartbeat: 14 });
  });

  it("a third party's compact entry carries a known member's heartbeat forward and nothing more", () => {
    const node = nodeKnowing('n', 1, 3);
    const changes = node.receive({ from: 'm-0', members: [entry('m-0', 20_000, 6)], digest: [['m-1', 1, 9, 0], ['m-2', 2, 9, 0], ['m-2', 1, 9, 2], ['ghost', 1, 1, 0]] }, NOW).changes;
    expect(changes.map((c) => c.info.nodeId).sort()).toEqual(['m-0', 'm-1']);
    expect(stateOf(node, 'm-1')).toMatchObject({ heartbeat: 9, state: 'alive', firstHand: true });
    // No raised incarnation, no departure said for another, no member introduced.
    expect(stateOf(node, 'm-2')).toMatchObject({ incarnation: 1, heartbeat: 5, state: 'alive' });
    expect(node.membership.counters.ignoredClaims).toBe(2);
    expect(stateOf(node, 'ghost')).toBeUndefined();
  });

  it('an unknown id is wanted on the next request, and the answer to the want introduces it', () => {
    const asker = nodeKnowing('a', 1, 2);
    const holder = nodeKnowing('h', 2, 3);
    asker.receive({ from: 'h', members: [holder.membership.selfEntry()], digest: [...holder.membership.compactDigest()].map((e) => [e.nodeId, e.incarnation, e.heartbeat, 0]) }, NOW);
    expect(stateOf(asker, 'm-2')).toBeUndefined();
    const request = asker.request(NOW + 1, url(2));
    expect(payloadOf(request.body).want).toEqual(['m-2']);
    const { reply } = holder.receive(JSON.parse(request.body) as unknown, NOW + 1);
    expect(payloadOf(reply ?? '').members.map((m) => m.nodeId)).toContain('m-2');
    asker.acceptReply(JSON.parse(reply ?? '') as unknown, request.nonce, NOW + 1, url(2));
    expect(stateOf(asker, 'm-2')).toMatchObject({ heartbeat: 5, state: 'alive', firstHand: false });
    expect(payloadOf(asker.request(NOW + 2, url(2)).body).want).toBeUndefined();
  });

  it('bounds digests and wants at the door: too many is 413, not an array is 400, malformed tuples are dropped and counted', () => {
    const node = nodeKnowing('n', 1, 1);
    const tooLong = Array.from({ length: GOSSIP_LIMITS.digestEntries + 1 }, (_, i) => [`x-${i}`, 1, 1, 0]);
    const refusal = (body: unknown): GossipRefusal | undefined => {
      try {
        node.receive(body, NOW);
        return undefined;
      } catch (error) {
        return error instanceof GossipRefusal ? error : undefined;
      }
    };
    expect(refusal({ from: 'x', members: [], digest: tooLong })?.status).toBe(413);
    expect(refusal({ from: 'x', members: [], want: Array.from({ length: GOSSIP_LIMITS.want + 1 }, (_, i) => `w-${i}`) })?.status).toBe(413);
    expect(refusal({ from: 'x', members: [], digest: { 'm-0': 1 } })?.status).toBe(400);
    const malformed = [['m-0', 1, 9, 3], ['m-0', -1, 9, 0], ['m-0', 1, 9], ['', 1, 9, 0], 'm-0', ['m-0', 1, 1.5, 0]];
    node.receive({ from: 'x', members: [], digest: malformed, want: ['ok', 7, ''] }, NOW);
    expect(node.counters.droppedEntries).toBe(malformed.length + 2);
    expect(stateOf(node, 'm-0')?.heartbeat).toBe(5);
  });
});

describe('mixed versions: format 1 (full entries) and format 2 side by side', () => {
  it("an older node's request (no digest) gets a format 1 answer, and is then written to in format 1 until it speaks format 2", () => {
    const node = nodeKnowing('n', 1, 5);
    // What a node of the previous release sends: its page of full entries, no digest, no want.
    const older = { from: 'old', sentAt: NOW, nonce: 'recorded-format-1-nonce', members: [entry('old', 3, 40), entry('m-0', 20_000, 8)] };
    const { reply } = node.receive(older, NOW);
    const answer = payloadOf(reply ?? '');
    expect(answer.digest).toBeUndefined();
    expect(answer.members.map((m) => m.nodeId).sort()).toEqual(['m-0', 'm-1', 'm-2', 'm-3', 'm-4', 'n', 'old']);
    expect(stateOf(node, 'm-0')?.heartbeat).toBe(8);
    const toOld = payloadOf(node.request(NOW + 1, url(3)).body);
    expect(toOld.digest).toBeUndefined();
    expect(toOld.members.length).toBe(7);
    // Upgraded: its next message has a digest, and so do the requests to it.
    node.receive({ from: 'old', members: [entry('old', 3, 41)], digest: [] }, NOW + 2);
    expect(payloadOf(node.request(NOW + 3, url(3)).body).digest).toHaveLength(6);
  });

  it('a format 2 message keeps what a format 1 reader needs: the sender, its own full entry first, sentAt and nonce', () => {
    const node = nodeKnowing('n', 1, 3);
    const sent = JSON.parse(node.request(NOW).body) as Record<string, unknown> & Payload;
    expect(sent).toMatchObject({ from: 'n', sentAt: NOW });
    expect(typeof sent['nonce']).toBe('string');
    expect(sent.members[0]?.nodeId).toBe('n');
    // A format 1 reader drops what it does not know; the rest is a valid format 1 message.
    const format1 = Object.fromEntries(Object.entries(sent).filter(([key]) => key !== 'digest' && key !== 'want'));
    const reader = nodeKnowing('r', 2, 0);
    expect(reader.receive(format1, NOW).changes.map((c) => c.info.nodeId)).toEqual(['n']);
  });
});
