import { randomBytes } from 'node:crypto';
import {
  GOSSIP_LIMITS,
  GossipAddressPolicy,
  GossipKeyring,
  GossipProtocol,
  type GossipDigestEntry,
  type GossipMemberInfo,
} from '@omnirelay/mesh-gossip';
import { GossipCodec } from '@internal/mesh-gossip/gossip-codec';
import { GossipReplayGuard } from '@internal/mesh-gossip/security/gossip-replay-guard';

const policy = new GossipAddressPolicy(['127.0.0.0/8']);
const info = (nodeId: string, port: number, labels: Record<string, string> = {}): GossipMemberInfo => ({
  nodeId,
  url: `http://127.0.0.1:${port}`,
  role: 'worker',
  cluster: 'local',
  region: 'eu',
  meshVersion: '1.4.0',
  http3: false,
  labels,
});
const entry = (nodeId: string, port: number, over: Partial<GossipDigestEntry> = {}, labels: Record<string, string> = {}): GossipDigestEntry => ({
  ...info(nodeId, port, labels),
  incarnation: 1,
  heartbeat: 1,
  state: 'alive',
  ...over,
});
const NOW = 1_800_000_000_000;

/** A node that learned `count` members from a relay, through a real message. */
function nodeKnowing(count: number, options: { keys?: string[]; labels?: Record<string, string> } = {}): GossipProtocol {
  const keyring = options.keys ? GossipKeyring.fromBase64(options.keys) : undefined;
  const node = new GossipProtocol(info('self', 1), 1, { policy, ...(keyring ? { keyring } : {}), limits: { maxMembers: 4096 } });
  const members = Array.from({ length: count }, (_, i) => entry(`m-${String(i).padStart(5, '0')}`, 10_000 + i, {}, options.labels));
  for (let i = 0; i < members.length; i += 1000) node.membership.merge(members.slice(i, i + 1000), 'relay', NOW);
  return node;
}

/**
 * Sends page after page of full entries (format 1) from `sender` to a fresh receiver that spoke format
 * 1 first (an older node: a recorded-style format 1 request); returns the sizes and what the receiver learned.
 */
function drain(sender: GossipProtocol, pages: number, keys?: string[]) {
  const keyring = keys ? GossipKeyring.fromBase64(keys) : undefined;
  const receiver = new GossipProtocol(info('receiver', 2), 1, { policy, ...(keyring ? { keyring } : {}), limits: { maxMembers: 4096 } });
  const older = new GossipCodec(keyring, new GossipReplayGuard(30_000, 100)).write({ from: 'receiver' }, { entries: [entry('receiver', 2)] }, NOW);
  sender.receive(JSON.parse(older.body) as unknown, NOW);
  const sizes: Array<{ bytes: number; members: number }> = [];
  for (let i = 0; i < pages; i++) {
    const { body } = sender.request(NOW + i, info('receiver', 2).url);
    const parsed = JSON.parse(body) as { members?: unknown[]; payload?: string };
    const payload = parsed.members ? parsed : (JSON.parse(parsed.payload ?? '{}') as { members: unknown[]; digest?: unknown });
    expect(payload).not.toHaveProperty('digest');
    const members = payload.members ?? [];
    sizes.push({ bytes: Buffer.byteLength(body), members: members.length });
    receiver.receive(parsed, NOW + i);
  }
  return { sizes, learned: receiver.membership.size, refused: receiver.counters.inbound };
}

describe('gossip messages are paged so that a peer never refuses one', () => {
  it('a node knowing 3,000 members sends bounded pages that together cover all of them', () => {
    const sender = nodeKnowing(3000);
    const { sizes, learned, refused } = drain(sender, 20);
    for (const size of sizes) {
      expect(size.bytes).toBeLessThanOrEqual(GOSSIP_LIMITS.sendBytes);
      expect(size.members).toBeLessThanOrEqual(Math.min(GOSSIP_LIMITS.sendMembers, GOSSIP_LIMITS.members));
    }
    expect(refused).toMatchObject({ unauthenticated: 0, malformed: 0, 'too-large': 0, replayed: 0 });
    expect(learned).toBe(3001); // every member, and the sender itself
  });

  it('bounds pages by bytes too: members with many long labels, signed', () => {
    const keys = [randomBytes(32).toString('base64')];
    const labels = Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`label-${i}-${'k'.repeat(100)}`, `"${'v'.repeat(250)}"`]));
    const sender = nodeKnowing(300, { keys, labels });
    const { sizes, learned, refused } = drain(sender, 100, keys);
    for (const size of sizes) expect(size.bytes).toBeLessThanOrEqual(GOSSIP_LIMITS.sendBytes);
    expect(Math.max(...sizes.map((s) => s.members))).toBeLessThan(10);
    expect(refused.accepted).toBe(100);
    expect(learned).toBe(301);
  });

  it('1,100 forged left members from a third party leave no tombstone and no trace in what the node sends', () => {
    const node = nodeKnowing(10);
    const forged = Array.from({ length: 1100 }, (_, i) => entry(`forged-${i}`, 20_000 + i, { state: 'left', incarnation: Number.MAX_SAFE_INTEGER }));
    node.receive({ from: 'attacker', members: forged.slice(0, 1000) }, NOW);
    node.receive({ from: 'attacker', members: forged.slice(1000) }, NOW);
    expect(node.membership.tombstoneCount).toBe(0);
    expect(node.membership.size).toBe(10);
    expect(node.membership.counters.ignoredClaims).toBe(1100);
    const { body } = node.request(NOW);
    const sent = JSON.parse(body) as { members: Array<{ nodeId: string }>; digest: Array<[string]> };
    expect(sent.digest).toHaveLength(10);
    expect([...sent.members.map((m) => m.nodeId), ...sent.digest.map(([nodeId]) => nodeId)].filter((id) => id.startsWith('forged'))).toEqual([]);
  });
});
