import { randomBytes } from 'node:crypto';
import {
  GossipAddressPolicy,
  GossipKeyring,
  GossipProtocol,
  GossipRefusal,
  type GossipMemberInfo,
  type GossipRoundTiming,
  type MemberChange,
  type ProbePlan,
} from '@omnirelay/mesh-gossip';
import { GossipLeadershipStore } from '@omnirelay/mesh-leadership';
import { EventScheduler } from './event-scheduler';
import { Xoshiro128 } from './random';
import { SimulatedNetwork, type NetworkConditions } from './simulated-network';

export interface SimulatedMeshOptions {
  /** Seeds every random choice (round phases, gossip targets, delays, losses): a seed replays a run. */
  readonly seed: number;
  readonly timing: GossipRoundTiming;
  readonly network: NetworkConditions;
  /** Sign every message with a cluster key (HMAC-SHA256 envelope), as production does. */
  readonly signed: boolean;
  /** Leadership scopes every member elects (default ['global']). */
  readonly scopes?: readonly string[];
  /**
   * How a crashed member looks to those who contact it: `silent` (a host gone: no answer until the
   * request timeout, the default) or `refused` (a process killed on a live host: the connection is
   * refused after one network delay).
   */
  readonly crash?: 'silent' | 'refused';
  /** Members a node keeps at most (the host's --gossip-max-members, default 4,096): above the mesh's size, as an operator would set it. */
  readonly maxMembers?: number;
}

/** The service's gossip request timeout (requestTimeoutMs default); probe requests wait twice as long. */
export const SIMULATED_REQUEST_TIMEOUT_MS = 1000;

/** One member: the real protocol object of a node, and what the simulation knows about it. */
export interface SimulatedMember {
  readonly nodeId: string;
  readonly url: string;
  readonly protocol: GossipProtocol;
  /** The embedded leadership store of this node, fed with its own membership view. */
  readonly leadership: GossipLeadershipStore;
  readonly seeds: readonly string[];
  alive: boolean;
}

/** Bytes and messages sent since the last reset; a message is the JSON body of one request or answer. */
export interface SimulatedTraffic {
  messages: number;
  bytes: number;
  /** Messages lost by the network. */
  lost: number;
  /** Requests to a member that is down (the sender sees a failed exchange). */
  failed: number;
  /** Messages refused at the door (MAC, replay window, bounds): none are expected in a healthy mesh. */
  refused: number;
  /** Probe requests sent (SWIM ping-req). */
  probes: number;
  /** News pushes sent (fresh suspicions, at once). */
  news: number;
  since: number;
}

/** Suspicions members raised or adopted, split by whether the suspected member was in fact running. */
export interface SimulatedSuspicions {
  /** Of a member that runs: false suspicions (each observer counted). */
  ofLive: number;
  /** Of a crashed member. */
  ofCrashed: number;
}

export type ChangeObserver = (observer: SimulatedMember, changes: readonly MemberChange[], now: number) => void;
export type LeaderObserver = (observer: SimulatedMember, scope: string, leaderId: string | undefined, now: number) => void;

/** Virtual time starts at a plausible epoch: messages carry epoch ms. */
const EPOCH_MS = Date.UTC(2026, 0, 1);
/** Every tenth member may lead (role control-plane); the others are workers. */
const CANDIDATE_ROLE = 'control-plane';

function memberInfo(index: number): GossipMemberInfo {
  return {
    nodeId: `node-${String(index).padStart(4, '0')}`,
    url: `http://10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}:7400`,
    role: index % 10 === 0 ? CANDIDATE_ROLE : 'worker',
    cluster: 'sim',
    region: `region-${index % 4}`,
    meshVersion: '1.4.0',
    http3: false,
    labels: { zone: `zone-${index % 8}` },
  };
}

/**
 * Many gossip members in one process on a virtual clock: each member is the real `GossipProtocol`
 * (message writing and paging, HMAC envelope, replay window, parsing and bounds, membership merge,
 * sweep with the scaled suspicion timeout) opened round by round with the same `openRound` the
 * service runs on its timer. Only the HTTP transport and the timers are replaced: a message is its
 * real JSON text, parsed on arrival as the host's body parser would, delivered after a simulated
 * delay or lost; an exchange without an answer within the request timeout fails and starts an
 * indirect probe (SWIM ping-req through other members), as in the service. A crash is a member that
 * stops running rounds and answering.
 * @internal
 */
export class SimulatedMesh {
  readonly scheduler = new EventScheduler(EPOCH_MS);
  readonly traffic: SimulatedTraffic = { messages: 0, bytes: 0, lost: 0, failed: 0, refused: 0, probes: 0, news: 0, since: EPOCH_MS };
  /** Never reset: counted from the start of the mesh. */
  readonly suspicions: SimulatedSuspicions = { ofLive: 0, ofCrashed: 0 };
  /** Told about every batch of membership changes a member reports. */
  onChanges: ChangeObserver | undefined;
  /** Told about every leader change a member's embedded store makes (after `trackLeadership`). */
  onLeader: LeaderObserver | undefined;
  private readonly random: Xoshiro128;
  private readonly network: SimulatedNetwork;
  private readonly keyring: GossipKeyring | undefined;
  private readonly policy = new GossipAddressPolicy(['10.0.0.0/8']);
  private readonly scopes: readonly string[];
  private readonly members: SimulatedMember[] = [];
  private readonly byUrl = new Map<string, SimulatedMember>();
  private readonly byId = new Map<string, SimulatedMember>();
  private leadershipTracked = false;
  private readonly uniform = (): number => this.network.uniform();

  constructor(readonly options: SimulatedMeshOptions) {
    this.random = new Xoshiro128(options.seed);
    this.network = new SimulatedNetwork(options.network, this.random);
    this.keyring = options.signed ? GossipKeyring.fromBase64([randomBytes(32).toString('base64')]) : undefined;
    this.scopes = options.scopes ?? ['global'];
  }

  /**
   * A settled mesh of `size` members: each has heard every other first-hand (as after a long
   * uneventful run; each learnt them in its own random order, so pages differ between members), and
   * each runs its rounds at its own phase within the interval.
   */
  static settled(size: number, options: SimulatedMeshOptions): SimulatedMesh {
    const mesh = new SimulatedMesh(options);
    for (let i = 0; i < size; i++) mesh.add(i, []);
    const entries = mesh.members.map((member) => member.protocol.membership.selfEntry());
    const now = mesh.scheduler.now;
    for (const member of mesh.members) {
      const order = [...entries];
      for (let i = order.length - 1; i > 0; i--) {
        const j = mesh.random.below(i + 1);
        const swap = order[i];
        const other = order[j];
        if (swap && other) {
          order[i] = other;
          order[j] = swap;
        }
      }
      for (const entry of order) member.protocol.membership.merge([entry], entry.nodeId, now);
      // Long settled: the joins were told long ago.
      member.protocol.membership.forgetPending();
    }
    const interval = options.timing.roundIntervalMs;
    for (const member of mesh.members) mesh.scheduler.after(mesh.random.below(interval), () => mesh.round(member));
    return mesh;
  }

  /**
   * One member that has heard `size - 1` others first-hand (the others know nothing): what a single
   * node of a settled mesh of `size` holds, without the cost of the whole mesh.
   */
  static oneSettledMember(size: number, options: SimulatedMeshOptions): SimulatedMember {
    const mesh = new SimulatedMesh(options);
    for (let i = 0; i < size; i++) mesh.add(i, []);
    const [first, ...others] = mesh.members;
    if (!first) throw new Error('a mesh of no members');
    const now = mesh.scheduler.now;
    for (const other of others) {
      const entry = other.protocol.membership.selfEntry();
      first.protocol.membership.merge([entry], entry.nodeId, now);
    }
    return first;
  }

  get now(): number {
    return this.scheduler.now;
  }

  /** Members that run (not crashed). */
  live(): SimulatedMember[] {
    return this.members.filter((member) => member.alive);
  }

  all(): readonly SimulatedMember[] {
    return this.members;
  }

  /** A new member that joins through one live member chosen at random; its first round is now. */
  join(): SimulatedMember {
    const live = this.live();
    const seed = live[this.random.below(live.length)];
    const member = this.add(this.members.length, seed ? [seed.url] : []);
    if (this.leadershipTracked) member.leadership.update(member.protocol.membership.view(this.now));
    this.scheduler.after(0, () => this.round(member));
    return member;
  }

  /** A crash (kill -9): no goodbye; the member stops gossiping and answering. */
  kill(member: SimulatedMember): void {
    member.alive = false;
  }

  /**
   * From now on every member re-elects from its own view at each round (after its sweep, which is
   * where a silent leader becomes suspect) and, as the service's listener does, after every batch of
   * changes that moves a member's state or metadata (what an election reads; progress alone changes
   * nothing there); elects once at once.
   */
  trackLeadership(): void {
    this.leadershipTracked = true;
    for (const member of this.live()) member.leadership.update(member.protocol.membership.view(this.now));
  }

  leaderOf(member: SimulatedMember, scope: string): string | undefined {
    return member.leadership.leaders().find((leadership) => leadership.scope === scope)?.leaderId;
  }

  /** Runs the mesh for `ms` of virtual time, or until `done()` holds; returns whether it held. */
  runFor(ms: number, done?: () => boolean): boolean {
    return this.scheduler.runUntil(this.now + ms, done);
  }

  resetTraffic(): void {
    Object.assign(this.traffic, { messages: 0, bytes: 0, lost: 0, failed: 0, refused: 0, probes: 0, news: 0, since: this.now });
  }

  private add(index: number, seeds: readonly string[]): SimulatedMember {
    const info = memberInfo(index);
    const limits = this.options.maxMembers === undefined ? {} : { limits: { maxMembers: this.options.maxMembers } };
    const protocol = new GossipProtocol(info, 1, { policy: this.policy, ...(this.keyring ? { keyring: this.keyring } : {}), ...limits });
    const leadership = new GossipLeadershipStore(this.scopes, new Set([CANDIDATE_ROLE]), () => this.now);
    const member: SimulatedMember = { nodeId: info.nodeId, url: info.url, protocol, leadership, seeds, alive: true };
    leadership.onChange(({ scope, leaderId }) => this.onLeader?.(member, scope, leaderId, this.now));
    this.members.push(member);
    this.byUrl.set(info.url, member);
    this.byId.set(info.nodeId, member);
    return member;
  }

  /** What the service's timer does: open a round, report its changes, exchange with each target. */
  private round(member: SimulatedMember): void {
    if (!member.alive) return;
    const now = this.now;
    const { changes, targets } = member.protocol.openRound(now, this.options.timing, member.seeds, this.uniform);
    this.report(member, changes);
    if (this.leadershipTracked) member.leadership.update(member.protocol.membership.view(now));
    for (const url of targets) this.exchange(member, url, true);
    this.scheduler.after(this.options.timing.roundIntervalMs, () => this.round(member));
  }

  /**
   * One push-pull exchange as the service runs it: the request travels, the target answers at
   * arrival (a probe request after its own exchange with the member named), the answer travels back;
   * no answer within the request timeout is a failure, which (for a round's exchange) starts an
   * indirect probe. `done` learns whether an answer came.
   */
  private exchange(from: SimulatedMember, url: string, probeOnFailure: boolean, done?: (reached: boolean) => void): void {
    const { body, nonce } = from.protocol.request(this.now, url);
    this.send(from, url, body, SIMULATED_REQUEST_TIMEOUT_MS, (reply) => {
      this.report(from, from.protocol.acceptReply(JSON.parse(reply) as unknown, nonce, this.now));
    }, (reached) => {
      if (!reached && probeOnFailure && from.alive) {
        const plan = from.protocol.exchangeFailed(url, this.uniform);
        if (plan) this.probe(from, plan);
      }
      done?.(reached);
    });
  }

  /** SWIM ping-req: every relay is asked at once; the verdict comes when all answered or timed out. */
  private probe(from: SimulatedMember, plan: ProbePlan): void {
    let pending = plan.relays.length;
    let reached = false;
    for (const relay of plan.relays) {
      const { body, nonce } = from.protocol.probeRequest(plan, this.now, relay);
      this.traffic.probes++;
      let verdict = false;
      this.send(from, relay, body, 2 * SIMULATED_REQUEST_TIMEOUT_MS, (reply) => {
        const accepted = from.protocol.acceptProbeReply(JSON.parse(reply) as unknown, nonce, this.now);
        this.report(from, accepted.changes);
        verdict = accepted.result === 'reached';
      }, () => {
        reached ||= verdict;
        if (--pending === 0 && from.alive) this.report(from, from.protocol.finishProbe(plan, reached, this.now));
      });
    }
  }

  /**
   * Sends `body` to `url` and calls `settled` exactly once: with true after `accept` ran on the
   * answer, with false when no answer came within `timeoutMs` (lost, crashed, refused). A crashed
   * target refuses at once or stays silent, per the options.
   */
  private send(from: SimulatedMember, url: string, body: string, timeoutMs: number, accept: (reply: string) => void, settled: (reached: boolean) => void): void {
    let open = true;
    const settle = (reached: boolean): void => {
      if (!open) return;
      open = false;
      settled(reached);
    };
    this.scheduler.after(timeoutMs, () => settle(false));
    this.count(body);
    const there = this.network.delay();
    if (there === undefined) {
      this.traffic.lost++;
      return;
    }
    this.scheduler.after(there, () => {
      const to = this.byUrl.get(url);
      if (!to?.alive) {
        this.traffic.failed++;
        const back = this.options.crash === 'refused' ? this.network.delay() : undefined;
        if (back !== undefined) this.scheduler.after(back, () => settle(false));
        return;
      }
      const answer = (reply: string): void => {
        this.count(reply);
        const back = this.network.delay();
        if (back === undefined) {
          this.traffic.lost++;
          return;
        }
        this.scheduler.after(back, () => {
          if (!from.alive || !open) return;
          try {
            accept(reply);
          } catch (error) {
            if (!(error instanceof GossipRefusal)) throw error;
            this.traffic.refused++;
          }
          settle(true);
        });
      };
      try {
        const received = to.protocol.receive(JSON.parse(body) as unknown, this.now);
        this.report(to, received.changes);
        if (received.relay === undefined) answer(received.reply);
        else {
          const { relay } = received;
          this.exchange(to, relay.url, false, (reached) => {
            if (to.alive) answer(relay.answer(reached, this.now));
          });
        }
      } catch (error) {
        if (!(error instanceof GossipRefusal)) throw error;
        this.traffic.refused++;
        // A refusal is an answer: the sender learns the target runs.
        const back = this.network.delay();
        if (back !== undefined) this.scheduler.after(back, () => settle(true));
      }
    });
  }

  private count(body: string): void {
    this.traffic.messages++;
    this.traffic.bytes += Buffer.byteLength(body);
  }

  private report(member: SimulatedMember, changes: readonly MemberChange[]): void {
    for (const change of changes) {
      if (change.state !== 'suspect' || change.previous === 'suspect') continue;
      if (this.byId.get(change.info.nodeId)?.alive) this.suspicions.ofLive++;
      else this.suspicions.ofCrashed++;
    }
    if (changes.length > 0) this.onChanges?.(member, changes, this.now);
    if (this.leadershipTracked && member.alive && changes.some((change) => change.state !== change.previous || change.infoChanged)) {
      member.leadership.update(member.protocol.membership.view(this.now));
    }
    this.pushNews(member);
  }

  /** What the service does after every merge: pushes news (suspicions, refutations) at once to a few members. */
  private pushNews(member: SimulatedMember): void {
    if (!member.alive) return;
    for (const { url, body, nonce } of member.protocol.news(this.now, this.options.timing.fanout, this.uniform)) {
      this.traffic.news++;
      this.send(member, url, body, SIMULATED_REQUEST_TIMEOUT_MS, (reply) => {
        this.report(member, member.protocol.acceptReply(JSON.parse(reply) as unknown, nonce, this.now));
      }, () => undefined);
    }
  }
}
