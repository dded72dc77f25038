// 7. gossip convergence: N members of the real membership code (libs/mesh-gossip) and the real
// embedded leadership store in one process, over an in-memory network with latency and loss, on a
// virtual clock. Measures join dissemination, death detection, leader failover and bytes sent.
import {
  GossipAddressPolicy,
  GossipMembership,
  GossipProtocol,
  scaledSuspicionMs,
  type GossipDigestEntry,
  type GossipMemberInfo,
} from '@omnirelay/mesh-gossip';
import { GossipLeadershipStore } from '@omnirelay/mesh-leadership';
import { median, percentile, record } from './support/results';

/** The host's defaults: one round a second, fanout 3, suspect after 3 s of silence. */
const ROUND_MS = 1000;
const SUSPICION_MS = 3000;
const FANOUT = Number(process.env['GOSSIP_BENCH_FANOUT'] ?? 3);
/** One-way latency, uniform in [min, max] ms, and the chance a message is lost. */
const LATENCY_MS = [2, 40] as const;
const LOSS = 0.01;
/** Bytes of a message around its entries (envelope, MAC, nonce, sentAt). */
const ENVELOPE_BYTES = 220;
const SIZES: ReadonlyArray<{ members: number; joins: number }> = [
  { members: 50, joins: 3 },
  { members: 200, joins: 12 },
  { members: 1000, joins: 4 },
];
const CANDIDATES = 3;

// mulberry32: a seeded generator whose state stays in 32-bit integers (a float LCG loses precision).
let seed = 12_345;
const random = (): number => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
};
const latency = (): number => LATENCY_MS[0] + random() * (LATENCY_MS[1] - LATENCY_MS[0]);

const info = (i: number): GossipMemberInfo => ({
  nodeId: `node-${String(i).padStart(4, '0')}`,
  url: `http://10.0.${Math.floor(i / 250)}.${(i % 250) + 1}:8080`,
  role: i < CANDIDATES ? 'control-plane' : 'worker',
  cluster: 'local',
  region: `region-${i % 4}`,
  meshVersion: '1.4.0',
  http3: false,
  labels: { zone: `zone-${i % 8}` },
});

/** How many members the real message writer carries in one message at this mesh size (after the sender). */
function realPageSize(members: number): number {
  const writer = new GossipProtocol(info(0), 1, { policy: new GossipAddressPolicy(['10.0.0.0/8']) });
  const everyone: GossipDigestEntry[] = Array.from({ length: members - 1 }, (_, i) => ({ ...info(i + 1), incarnation: 1, heartbeat: 1, state: 'alive' }));
  writer.membership.merge(everyone, 'relay', 0);
  const { body } = writer.request(Date.now());
  return (JSON.parse(body) as { members: unknown[] }).members.length - 1;
}

/** A discrete-event queue on a virtual clock (binary heap by time, then insertion order). */
class EventQueue {
  now = 0;
  private seq = 0;
  private readonly heap: Array<{ at: number; seq: number; run: () => void }> = [];

  at(time: number, run: () => void): void {
    const heap = this.heap;
    heap.push({ at: time, seq: this.seq++, run });
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  /** Runs events until `until` (virtual ms) or until `done()` holds. */
  runUntil(until: number, done: () => boolean = () => false): void {
    while (this.heap.length > 0 && !done()) {
      const top = this.heap[0];
      if (!top || top.at > until) break;
      const last = this.heap.pop();
      if (last && this.heap.length > 0) {
        this.heap[0] = last;
        this.sink(0);
      }
      this.now = top.at;
      top.run();
    }
    if (!done()) this.now = Math.max(this.now, until);
  }

  private before(a: number, b: number): boolean {
    const x = this.heap[a];
    const y = this.heap[b];
    return x !== undefined && y !== undefined && (x.at < y.at || (x.at === y.at && x.seq < y.seq));
  }

  private swap(a: number, b: number): void {
    const x = this.heap[a];
    const y = this.heap[b];
    if (x === undefined || y === undefined) return;
    this.heap[a] = y;
    this.heap[b] = x;
  }

  private sink(i: number): void {
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < this.heap.length && this.before(left, smallest)) smallest = left;
      if (right < this.heap.length && this.before(right, smallest)) smallest = right;
      if (smallest === i) return;
      this.swap(i, smallest);
      i = smallest;
    }
  }
}

interface Node {
  readonly membership: GossipMembership;
  readonly store: GossipLeadershipStore;
  up: boolean;
}

function simulate(members: number, joins: number): void {
  const pageSize = realPageSize(members + joins);
  const queue = new EventQueue();
  const nodes: Node[] = [];
  const byUrl = new Map<string, Node>();
  const entryBytes = new Map<string, number>();
  let bytesSent = 0;
  const sizeOf = (entry: GossipDigestEntry): number => {
    let size = entryBytes.get(entry.nodeId);
    if (size === undefined) {
      size = Buffer.byteLength(JSON.stringify(entry)) + 1;
      entryBytes.set(entry.nodeId, size);
    }
    return size;
  };
  const page = (membership: GossipMembership): GossipDigestEntry[] => {
    const entries: GossipDigestEntry[] = [];
    let bytes = ENVELOPE_BYTES;
    for (const entry of membership.digest()) {
      entries.push(entry);
      bytes += sizeOf(entry);
      if (entries.length > pageSize) break;
    }
    membership.advance(entries.length - 1);
    bytesSent += bytes;
    return entries;
  };

  // Observers of the measurements: who knows a joiner since when; who judged a victim dead when.
  let watchedJoin: { id: string; at: number; reached: number[] } | undefined;
  let watchedDeath: { id: string; at: number; dead: Map<Node, number>; leaderGoneOn: Map<Node, number> } | undefined = undefined;
  const scope = 'global';
  const observe = (node: Node, changes: ReturnType<GossipMembership['merge']>): void => {
    for (const change of changes) {
      if (watchedJoin && change.previous === undefined && change.info.nodeId === watchedJoin.id) watchedJoin.reached.push(queue.now - watchedJoin.at);
      if (watchedDeath && change.info.nodeId === watchedDeath.id) {
        if (change.state === 'dead' && !watchedDeath.dead.has(node)) watchedDeath.dead.set(node, queue.now - watchedDeath.at);
        if (change.state !== 'alive') {
          // The real embedded store re-elects from this node's view.
          node.store.update(node.membership.view(queue.now));
          const leader = node.store.leaders().find((s) => s.scope === scope)?.leaderId;
          if (leader !== watchedDeath.id && !watchedDeath.leaderGoneOn.has(node)) watchedDeath.leaderGoneOn.set(node, queue.now - watchedDeath.at);
        }
      }
    }
  };

  const exchange = (from: Node, url: string): void => {
    const to = byUrl.get(url);
    const request = page(from.membership);
    const sentAt = queue.now;
    if (!to || random() < LOSS) return;
    queue.at(sentAt + latency(), () => {
      if (!to.up) return;
      observe(to, to.membership.merge(request, from.membership.selfId, queue.now));
      const reply = page(to.membership);
      if (random() < LOSS) return;
      queue.at(queue.now + latency(), () => {
        if (from.up) observe(from, from.membership.merge(reply, to.membership.selfId, queue.now));
      });
    });
  };

  const round = (node: Node, seeds: readonly string[]): void => {
    if (!node.up) return;
    const { membership } = node;
    membership.beat();
    observe(node, membership.sweep(queue.now, scaledSuspicionMs(SUSPICION_MS, ROUND_MS, membership.size, pageSize), 600_000));
    const picked = membership.pick(FANOUT, random);
    for (const url of picked.length > 0 ? picked : seeds) exchange(node, url);
    queue.at(queue.now + ROUND_MS, () => round(node, seeds));
  };

  const addNode = (i: number): Node => {
    const self = info(i);
    const membership = new GossipMembership(self, 1);
    const node: Node = { membership, store: new GossipLeadershipStore([scope], new Set(['control-plane']), () => queue.now), up: true };
    nodes.push(node);
    byUrl.set(self.url, node);
    return node;
  };

  // A converged mesh to start from: everyone knows everyone, the candidates first-hand.
  const everyone: GossipDigestEntry[] = Array.from({ length: members }, (_, i) => ({ ...info(i), incarnation: 1, heartbeat: 1, state: 'alive' }));
  for (let i = 0; i < members; i++) {
    const node = addNode(i);
    node.membership.merge(everyone, 'bootstrap', 0);
    for (const candidate of everyone.slice(0, CANDIDATES)) node.membership.merge([candidate], candidate.nodeId, 0);
    node.store.update(node.membership.view(0));
  }
  for (const node of nodes) queue.at(random() * ROUND_MS, () => round(node, []));
  queue.runUntil(5 * ROUND_MS);
  bytesSent = 0;
  const steadyFrom = queue.now;
  queue.runUntil(steadyFrom + 10 * ROUND_MS);
  const bytesPerMemberPerSecond = bytesSent / members / ((queue.now - steadyFrom) / 1000);

  // The leader of the scope dies (kill -9: no goodbye); joins go on meanwhile.
  const leaderId = nodes[0]?.store.leaders()[0]?.leaderId;
  const leader = nodes.find((n) => n.membership.selfId === leaderId);
  if (!leader) throw new Error('no leader elected');
  leader.up = false;
  watchedDeath = { id: leader.membership.selfId, at: queue.now, dead: new Map(), leaderGoneOn: new Map() };
  const death = watchedDeath;

  const joinTimes: Array<{ p50: number; p95: number; p100: number; rounds: number }> = [];
  for (let j = 0; j < joins; j++) {
    const joiner = addNode(members + j);
    watchedJoin = { id: joiner.membership.selfId, at: queue.now, reached: [] };
    const watched = watchedJoin;
    const audience = nodes.filter((n) => n.up && n !== joiner).length;
    queue.at(queue.now, () => round(joiner, [nodes[1]?.membership.selfInfo.url ?? '']));
    queue.runUntil(queue.now + 120 * ROUND_MS, () => watched.reached.length >= audience);
    if (process.env["GOSSIP_BENCH_DEBUG"]) console.log(`join ${j}: reached ${watched.reached.length}/${audience} at ${queue.now}`);
    const sorted = [...watched.reached].sort((a, b) => a - b);
    const at = (fraction: number): number => sorted[Math.ceil(fraction * audience) - 1] ?? Number.POSITIVE_INFINITY;
    joinTimes.push({ p50: at(0.5), p95: at(0.95), p100: at(1), rounds: at(1) / ROUND_MS });
  }
  const aliveObservers = () => nodes.filter((n) => n.up && n.membership.selfId !== leaderId);
  queue.runUntil(queue.now + 300 * ROUND_MS, () => aliveObservers().every((n) => death.dead.has(n)));
  // The last survivor to judge the victim dead, and to stop following it as leader (infinite if one never did).
  const last = (seen: Map<Node, number>): number => Math.max(...aliveObservers().map((n) => seen.get(n) ?? Number.POSITIVE_INFINITY));
  const deadAll = last(death.dead);
  const failover = last(death.leaderGoneOn);

  const stat = (key: 'p50' | 'p95' | 'p100', p: number): number => (p === 50 ? median(joinTimes.map((t) => t[key])) : percentile(joinTimes.map((t) => t[key]), p));
  const n = members;
  const swapRounds = Math.log(n) / Math.log(FANOUT + 1);
  const rows: Array<[string, number, string, string, boolean | null]> = [
    ['gossip join reaches 50% (median)', stat('p50', 50), 'ms', '-', null],
    ['gossip join reaches 95% (median)', stat('p95', 50), 'ms', n >= 200 ? '< 2,000 ms' : '-', n >= 200 ? stat('p95', 50) < 2000 : null],
    ['gossip join reaches 95% (p99)', stat('p95', 99), 'ms', '-', null],
    ['gossip join reaches 100% (median)', stat('p100', 50), 'ms', '-', null],
    ['gossip join reaches 100% (p99)', stat('p100', 99), 'ms', '-', null],
    ['gossip join rounds to 100% vs log(N)/log(fanout+1)', median(joinTimes.map((t) => t.rounds)), `rounds (SWIM ~${swapRounds.toFixed(1)})`, '-', null],
    ['gossip death seen dead by all', deadAll, 'ms', '-', null],
    ['gossip leader failover (all survivors)', failover, 'ms', '< 5,000 ms', failover < 5000],
    ['gossip bytes sent per member', bytesPerMemberPerSecond, 'B/s', '-', null],
  ];
  for (const [name, value, unit, target, met] of rows) {
    record({ name, peers: n, value: Math.round(value * 10) / 10, unit, baseline: null, ratio: null, target, met, note: `fanout ${FANOUT}, page ${pageSize} entries, latency ${LATENCY_MS.join('-')} ms, loss ${LOSS * 100}%` });
  }
}

const started = Date.now();
for (const { members, joins } of SIZES) {
  const t0 = Date.now();
  simulate(members, joins);
  console.log(`  N=${members}: ${((Date.now() - t0) / 1000).toFixed(1)} s of wall time`);
}
console.log(`gossip convergence: ${((Date.now() - started) / 1000).toFixed(1)} s of wall time in all`);
