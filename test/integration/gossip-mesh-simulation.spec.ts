import { GOSSIP_LIMITS, GossipAddressPolicy, GossipProtocol, type GossipDigestEntry, type GossipMemberInfo } from '@omnirelay/mesh-gossip';
import { GossipMembership } from '@internal/mesh-gossip/membership/gossip-membership';
import { scaledSuspicionMs } from '@internal/mesh-gossip/scaled-suspicion';

/**
 * A 2,000-member mesh in one process: the real membership code of every node (ownership rules, caps,
 * format 1 paging, sweeps), exchanging pages in memory, push-pull with the default fanout. Time is counted in
 * rounds, never in wall-clock time. It is the most expensive test of the tier (about a minute of CPU:
 * 2,000 full membership tables). The wire (MAC, JSON) is left out to keep 2,000 nodes affordable;
 * the unit tier covers it, and this page size is what the real writer puts in one message.
 */
const MEMBERS = 2000;
const FANOUT = 3;
const ROUND_MS = 1000;
const SUSPICION_MS = 5000;
const MAX_ROUNDS = 30;

const info = (i: number): GossipMemberInfo => ({
  nodeId: `node-${String(i).padStart(4, '0')}`,
  url: `http://127.0.0.1:${20_000 + i}`,
  role: i < 3 ? 'control-plane' : 'worker',
  cluster: 'local',
  region: `region-${i % 4}`,
  meshVersion: '1.4.0',
  http3: false,
  labels: { zone: `zone-${i % 8}` },
});

/**
 * How many of these members the real message writer carries in one format 1 message (after the
 * sender's own entry): the pages it sends a peer that spoke format 1 (an older node).
 */
function realPageSize(): number {
  const writer = new GossipProtocol(info(0), 1, { policy: new GossipAddressPolicy(['127.0.0.0/8']) });
  const everyone: GossipDigestEntry[] = Array.from({ length: MEMBERS - 1 }, (_, i) => ({ ...info(i + 1), incarnation: 1, heartbeat: 1, state: 'alive' }));
  writer.membership.merge(everyone, 'relay', 0);
  const older: GossipDigestEntry = { ...info(MEMBERS), incarnation: 1, heartbeat: 1, state: 'alive' };
  writer.receive({ from: older.nodeId, members: [older] }, 0);
  const { body } = writer.request(Date.now(), older.url);
  expect(Buffer.byteLength(body)).toBeLessThanOrEqual(GOSSIP_LIMITS.sendBytes);
  return (JSON.parse(body) as { members: unknown[] }).members.length - 1;
}

describe('a simulated 2,000-member mesh', () => {
  it('converges: every node knows every member, all alive, within a bounded number of rounds, with bounded messages', () => {
    const pageSize = realPageSize();
    expect(pageSize).toBeLessThan(MEMBERS / 4); // the list really takes several messages
    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const nodes = Array.from({ length: MEMBERS }, (_, i) => new GossipMembership(info(i), 1));
    const byUrl = new Map(nodes.map((node) => [node.selfInfo.url, node]));
    const seedNode = nodes[0] as GossipMembership;
    let largestPage = 0;
    const page = (node: GossipMembership): GossipDigestEntry[] => {
      const entries: GossipDigestEntry[] = [];
      for (const entry of node.digest()) {
        entries.push(entry);
        if (entries.length > pageSize) break;
      }
      node.advance(entries.length - 1);
      largestPage = Math.max(largestPage, entries.length);
      return entries;
    };

    let convergedAt: number | undefined;
    const progress: string[] = [];
    for (let round = 1; round <= MAX_ROUNDS && convergedAt === undefined; round++) {
      const now = round * ROUND_MS;
      for (const node of nodes) {
        node.beat();
        const silenceMs = scaledSuspicionMs(SUSPICION_MS, ROUND_MS, node.size, pageSize);
        node.sweep(now, { silenceMs, suspicionMs: silenceMs, forgetAfterMs: 600_000 });
        const picked = node.pick(FANOUT, random);
        for (const url of picked.length > 0 ? picked : [seedNode.selfInfo.url]) {
          const peer = byUrl.get(url);
          if (!peer || peer === node) continue;
          peer.merge(page(node), node.selfId, now);
          node.merge(page(peer), peer.selfId, now);
        }
      }
      if (nodes.every((node) => node.stateCounts().alive === MEMBERS - 1)) convergedAt = round;
      if (round % 5 === 0) progress.push(`round ${round}: ${nodes.filter((n) => n.stateCounts().alive === MEMBERS - 1).length} converged`);
    }

    expect([convergedAt, progress]).toEqual([expect.any(Number), progress]);
    expect(convergedAt).toBeLessThanOrEqual(MAX_ROUNDS);
    expect(largestPage).toBeLessThanOrEqual(pageSize + 1);
    for (const node of nodes) {
      expect(node.stateCounts()).toEqual({ alive: MEMBERS - 1, suspect: 0, dead: 0, left: 0 });
      expect(node.counters).toEqual({ refusedMembers: 0, ignoredClaims: 0, compactedTombstones: 0, refutedSuspicions: 0, refusedSuspicions: 0 });
    }
    // Everyone elects the same leaders: the three control-plane nodes are known first-hand or not, but
    // the views agree on who is alive.
    const aliveIds = (node: GossipMembership) => node.view(0).filter((m) => m.state === 'alive').map((m) => m.nodeId).join(',');
    const reference = aliveIds(seedNode);
    expect(nodes.every((node) => aliveIds(node) === reference)).toBe(true);
  }, 600_000);
});
