import { GossipCodec, type GossipEnvelope, type MessageHead } from './gossip-codec';
import { GossipWriter } from './gossip-writer';
import { GossipMembership } from './membership/gossip-membership';
import type { MemberChange } from './membership/member-change';
import type { GossipMembershipLimits } from './membership/membership-limits';
import { GossipRefusal } from './errors/gossip-refusal.error';
import type { GossipInboundOutcome } from './interfaces/gossip-inbound-outcome.interface';
import { IndirectProbes, PROBE_LIMITS, type ProbePlan } from './indirect-probes';
import type { GossipDigestEntry, GossipMemberInfo, GossipMessage, GossipProbeResult } from './interfaces/gossip-member.interface';
import type { GossipRoundTiming } from './interfaces/gossip-round-timing.interface';
import type { GossipAddressPolicy } from './security/gossip-address-policy';
import type { GossipIdentity } from './security/gossip-identity';
import type { GossipKeyring } from './security/gossip-keyring';
import { GossipReplayGuard } from './security/gossip-replay-guard';
import { digestPages, refutingHeartbeats, scaledSuspicionMs, silenceForPagesMs } from './scaled-suspicion';
import { GOSSIP_MESSAGE_MEMBER_BUCKETS, PlainHistogram } from './telemetry/plain-histogram';

/** How an exchange this node started ended. */
export type GossipOutboundOutcome = 'accepted' | 'refused' | 'unauthenticated' | 'malformed' | 'failed' | 'not-allowed';

export const GOSSIP_INBOUND_OUTCOMES: readonly GossipInboundOutcome[] = ['accepted', 'unauthenticated', 'replayed', 'malformed', 'too-large'];
export const GOSSIP_OUTBOUND_OUTCOMES: readonly GossipOutboundOutcome[] = [
  'accepted',
  'refused',
  'unauthenticated',
  'malformed',
  'failed',
  'not-allowed',
];

/** Plain numbers, read by `stats()` and by the metrics exporter at scrape time. */
export interface GossipMessageCounters {
  readonly inbound: Record<GossipInboundOutcome, number>;
  readonly outbound: Record<GossipOutboundOutcome, number>;
  /** Entries dropped as malformed. */
  droppedEntries: number;
  /** Entries whose address is not allowed (not http(s), not in --gossip-allow, not a gossip port, link-local, metadata). */
  refusedAddresses: number;
  /** Entries of node ids the trust file does not list, or announcing a role the trust file does not bind them to. */
  refusedIdentities: number;
}

export interface GossipProtocolOptions {
  readonly keyring?: GossipKeyring;
  /** This node's own key and the trust store of every node's public key: messages speak for their signer only. */
  readonly identity?: GossipIdentity;
  /** Seed URLs: the members found there introduce members at new gossip ports (see GossipAddressPolicy). */
  readonly seeds?: readonly string[];
  readonly policy: GossipAddressPolicy;
  readonly limits?: Partial<GossipMembershipLimits>;
  /** A signed message is accepted within ±this of its sentAt (default 30000). */
  readonly replayWindowMs?: number;
  /** Nonces remembered for the replay window, at most (default 16384). */
  readonly replayCapacity?: number;
  /** Bytes and entries per message this node writes (default GOSSIP_LIMITS.sendBytes / sendMembers). */
  readonly sendBytes?: number;
  readonly sendMembers?: number;
  /** Compact digest entries per message this node writes (default GOSSIP_LIMITS.sendDigestEntries). */
  readonly sendDigestEntries?: number;
}

/** A probe request this node accepted to run: contact `url`, then answer with whether it answered. */
export interface RelayedProbe {
  readonly nodeId: string;
  readonly url: string;
  /** Writes the answer to the probe request; call exactly once (it frees the relay slot). */
  answer(reached: boolean, now: number): string;
}

/** A request read: its changes, and either the answer or a probe to run before answering. */
export type GossipReceived =
  | { readonly changes: MemberChange[]; readonly reply: string; readonly relay?: undefined }
  | { readonly changes: MemberChange[]; readonly reply?: undefined; readonly relay: RelayedProbe };

/** What a round opened: the sweep's changes, the members to contact, and the members this node vouches for. */
export interface GossipRound {
  readonly changes: MemberChange[];
  readonly targets: readonly string[];
  /**
   * While the digest goes in windows, every member alive here: a member's heartbeats then reach a
   * node only every few rounds, so its liveness follows this node's judgement (which the probes
   * keep) rather than each heartbeat heard. Empty otherwise (each heartbeat heard is progress).
   */
  readonly vouched: readonly string[];
}

/** Rounds of grace before a member not heard from since it was learnt is suspected (a heartbeat's dissemination, measured: all heard within 2.5 rounds at 200 members). */
export const UNHEARD_GRACE_ROUNDS = 2;

/** Suspicions one news push carries at most: news is small by design, the rounds carry the rest. */
export const GOSSIP_NEWS_ENTRIES = 32;

function zeros<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;
}

/**
 * One node's side of the gossip protocol without timers or sockets: writes requests and answers
 * (signed and paged), reads them (MAC, replay window, bounds, address allow-list, membership
 * rules) and reports membership changes. The service drives it over HTTP; tests drive many of them
 * in memory.
 */
export class GossipProtocol {
  readonly membership: GossipMembership;
  readonly counters: GossipMessageCounters = {
    inbound: zeros(GOSSIP_INBOUND_OUTCOMES),
    outbound: zeros(GOSSIP_OUTBOUND_OUTCOMES),
    droppedEntries: 0,
    refusedAddresses: 0,
    refusedIdentities: 0,
  };
  /** Member entries per message, by direction: plain numbers, exported at scrape time. */
  readonly messageMembers = {
    sent: new PlainHistogram(GOSSIP_MESSAGE_MEMBER_BUCKETS),
    received: new PlainHistogram(GOSSIP_MESSAGE_MEMBER_BUCKETS),
  };
  private readonly codec: GossipCodec;
  private readonly policy: GossipAddressPolicy;
  private readonly identity: GossipIdentity | undefined;
  private readonly seeds: ReadonlySet<string>;
  private readonly writer: GossipWriter;
  /** SWIM-style indirect probes this node runs and runs for others. */
  readonly probes = new IndirectProbes();

  constructor(self: GossipMemberInfo, incarnation: number, options: GossipProtocolOptions) {
    this.membership = new GossipMembership(self, incarnation, options.limits);
    const replay = new GossipReplayGuard(options.replayWindowMs ?? 30_000, options.replayCapacity ?? 16_384);
    this.codec = new GossipCodec(options.keyring, replay, options.identity);
    this.identity = options.identity;
    this.policy = options.policy;
    this.seeds = new Set((options.seeds ?? []).map((seed) => seed.replace(/\/$/, '')));
    for (const seed of this.seeds) this.policy.ports.learnUrl(seed);
    if (self.url) this.policy.ports.learnUrl(self.url);
    // A third party's suspicion counts when this node's own probes back it.
    this.membership.suspicions.corroborates = (nodeId, now) => this.probes.saw(nodeId, now);
    this.writer = new GossipWriter(this.codec, this.membership, this.messageMembers.sent, options.sendBytes, options.sendMembers, options.sendDigestEntries);
  }

  get signed(): boolean {
    return this.codec.signed;
  }

  /** Sets the URL this node advertises (its port is a gossip port). */
  setSelfUrl(url: string): void {
    this.membership.setSelfUrl(url);
    this.policy.ports.learnUrl(url);
  }

  /**
   * How long a member may stay silent before this node suspects it on its own: the configured
   * suspicion timeout, stretched when the digest goes in several messages (see scaledSuspicionMs).
   */
  silenceTimeoutMs(configuredMs: number, roundIntervalMs: number): number {
    return scaledSuspicionMs(configuredMs, roundIntervalMs, this.membership.size, this.writer.pageSize);
  }

  /**
   * Opens a gossip round at `now`: this node's heartbeat, the sweep (suspect after the silence
   * allowed, dead after the configured suspicion timeout, forgotten) and the members to contact (up
   * to `fanout` at random, else the seeds). The service runs it on a timer; the convergence bench
   * runs it on a virtual clock.
   */
  openRound(now: number, timing: GossipRoundTiming, seeds: readonly string[], random: () => number = Math.random): GossipRound {
    const { membership } = this;
    membership.beat();
    const suspicionMs = timing.suspicionTimeoutMs;
    const pages = digestPages(membership.size, this.writer.pageSize);
    membership.suspicions.configure(suspicionMs, timing.roundIntervalMs, pages > 1);
    membership.refutingHeartbeats = refutingHeartbeats(pages);
    const changes = membership.sweep(now, {
      silenceMs: silenceForPagesMs(suspicionMs, timing.roundIntervalMs, pages),
      suspicionMs,
      forgetAfterMs: timing.forgetAfterMs,
      unheardGraceMs: UNHEARD_GRACE_ROUNDS * timing.roundIntervalMs,
    });
    const picked = membership.pick(timing.fanout, random);
    return { changes, targets: picked.length > 0 ? picked : seeds, vouched: pages > 1 ? membership.aliveIds() : [] };
  }

  /** True when this node may contact (and accept a member advertising) `url`. */
  allows(url: string): boolean {
    return this.policy.allowsUrl(url);
  }

  /**
   * A request to the peer at `url`: format 2 (own entry, changes, compact digest, wants) unless that
   * peer spoke format 1 last, then the next page of full entries (see GossipWriter).
   */
  request(now: number, url?: string): { body: string; nonce: string } {
    return this.writer.request({ from: this.membership.selfId }, now, url);
  }

  /**
   * A direct exchange with `url` got no answer (transport failure or timeout, not a refusal): the
   * relays to ask to probe the member (SWIM ping-req), or undefined when no probe is due (unknown or
   * not alive member, a probe of it runs already, too many run, or no other member to ask).
   */
  exchangeFailed(url: string, random: () => number = Math.random): ProbePlan | undefined {
    const nodeId = this.membership.memberAt(url);
    const version = nodeId === undefined ? undefined : this.membership.versionOf(nodeId);
    if (!version) return undefined;
    const relays = this.membership.pick(PROBE_LIMITS.relays + 1, random).filter((relay) => relay !== url).slice(0, PROBE_LIMITS.relays);
    if (relays.length === 0 || !this.probes.begin(version.nodeId)) return undefined;
    return { version, relays };
  }

  /** A request asking the relay at `url` to contact the member of `plan`, with this node's digest. */
  probeRequest(plan: ProbePlan, now: number, url?: string): { body: string; nonce: string } {
    return this.writer.request({ from: this.membership.selfId, probe: plan.version.nodeId }, now, url);
  }

  /**
   * Every relay of `plan` answered or timed out; `reached`: one of them reached the member. Without
   * that, and unless the member was heard from since the probe started, this node suspects it (the
   * suspicion then travels with the digest).
   */
  finishProbe(plan: ProbePlan, reached: boolean, now: number): MemberChange[] {
    const change = reached ? undefined : this.membership.suspect(plan.version, now);
    this.probes.end(plan.version.nodeId, change === undefined);
    return change ? [change] : [];
  }

  /** Reads a request; returns what changed and the answer, or the probe to run first. Throws GossipRefusal (counted). */
  receive(body: unknown, now: number): GossipReceived {
    let message: GossipMessage;
    let envelope: GossipEnvelope;
    try {
      const read = this.codec.readRequest(body, now);
      this.counters.droppedEntries += read.dropped;
      message = read.message;
      envelope = read.envelope;
    } catch (error) {
      if (error instanceof GossipRefusal) this.counters.inbound[error.outcome]++;
      throw error;
    }
    this.counters.inbound.accepted++;
    this.messageMembers.received.observe(message.members.length);
    const changes = this.merge(message, now, this.isSeedMember(message.from));
    this.writer.noteFormat(this.membership.urlOf(message.from), message);
    const replyTo = message.nonce;
    const head = (probeResult?: GossipProbeResult): MessageHead => ({
      from: this.membership.selfId,
      ...(replyTo === undefined ? {} : { replyTo }),
      ...(probeResult === undefined ? {} : { probeResult }),
    });
    // A news push is answered with this node's own entry: the news went one way, cheaply.
    if (message.news) return { changes, reply: this.writer.entries(head(), this.ownEntry(), now, envelope).body };
    if (message.probe === undefined) return { changes, reply: this.writer.answer(head(), message, now, envelope).body };
    // A probe is answered with this node's own entry only: a probe request buys no digest page (no amplification).
    const verdict = (result: GossipProbeResult, at: number): string => this.writer.entries(head(result), this.ownEntry(), at, envelope).body;
    // Only members this node knows are probed, at the address it knows: a request names a node id, never a URL.
    const nodeId = message.probe;
    const url = nodeId === this.membership.selfId ? undefined : this.membership.urlOf(nodeId);
    if (nodeId === this.membership.selfId) return { changes, reply: verdict('reached', now) };
    if (url === undefined || !this.policy.allowsUrl(url)) {
      this.probes.counters.declined++;
      return { changes, reply: verdict('declined', now) };
    }
    if (!this.probes.beginRelay(message.from, nodeId, now)) return { changes, reply: verdict('declined', now) };
    let answered = false;
    const answer = (reached: boolean, at: number): string => {
      if (!answered) this.probes.endRelay(nodeId, reached, at);
      answered = true;
      return verdict(reached ? 'reached' : 'unreached', at);
    };
    return { changes, relay: { nodeId, url, answer } };
  }

  /** Reads the answer to a probe request of this node: its changes and the relay's verdict. Throws GossipRefusal. */
  acceptProbeReply(body: unknown, requestNonce: string, now: number, relayUrl?: string): { changes: MemberChange[]; result: GossipProbeResult } {
    const { message, dropped } = this.codec.readReply(body, requestNonce, now);
    this.counters.droppedEntries += dropped;
    this.messageMembers.received.observe(message.members.length);
    this.writer.noteFormat(relayUrl, message);
    return { changes: this.merge(message, now, relayUrl !== undefined && this.seeds.has(relayUrl)), result: message.probeResult ?? 'declined' };
  }

  /** Reads the answer to a request of this node sent to `url`. Throws GossipRefusal. */
  acceptReply(body: unknown, requestNonce: string, now: number, url?: string): MemberChange[] {
    return this.acceptAnswer(body, requestNonce, now, url, undefined);
  }

  /**
   * Reads the answer of `nodeId` at `url` to a request of this node: throws GossipRefusal unless it
   * is a valid gossip answer (signed, when the mesh is) from that very node. A relay counts a
   * member as reached only through this.
   */
  acceptAnswerOf(nodeId: string, url: string, body: unknown, requestNonce: string, now: number): MemberChange[] {
    return this.acceptAnswer(body, requestNonce, now, url, nodeId);
  }

  private acceptAnswer(body: unknown, requestNonce: string, now: number, url: string | undefined, expectedFrom: string | undefined): MemberChange[] {
    const { message, dropped } = this.codec.readReply(body, requestNonce, now, expectedFrom);
    this.counters.droppedEntries += dropped;
    this.messageMembers.received.observe(message.members.length);
    this.writer.noteFormat(url, message);
    return this.merge(message, now, url !== undefined && this.seeds.has(url));
  }

  /** True when `nodeId` is the member found at a seed URL. */
  private isSeedMember(nodeId: string): boolean {
    const url = this.membership.urlOf(nodeId);
    return url !== undefined && this.seeds.has(url);
  }

  /**
   * Keeps the entries this node may store: its own, and members at allowed addresses with an
   * identity the trust store accepts. A member speaking for itself (or introduced by a seed) makes
   * its port a gossip port.
   */
  private merge(message: GossipMessage, now: number, fromSeed: boolean): MemberChange[] {
    const allowed: GossipDigestEntry[] = [];
    for (const entry of message.members) {
      if (entry.nodeId === this.membership.selfId) {
        allowed.push(entry);
        continue;
      }
      if (this.identity && (!this.identity.trust.has(entry.nodeId) || !this.roleAllowed(entry))) {
        this.counters.refusedIdentities++;
        continue;
      }
      if (this.policy.learnsPorts && (entry.nodeId === message.from || fromSeed) && this.policy.allowsHostOf(entry.url)) {
        this.policy.ports.learnUrl(entry.url);
      }
      if (this.policy.allowsUrl(entry.url)) allowed.push(entry);
      else this.counters.refusedAddresses++;
    }
    const changes = this.membership.merge(allowed, message.from, now);
    if (message.digest === undefined) return changes;
    // A compact entry names a member known here (whose address passed already) or is only wanted: an untrusted id is not even wanted.
    const trust = this.identity?.trust;
    const digest = trust ? message.digest.filter((entry) => trust.has(entry.nodeId)) : message.digest;
    return [...changes, ...this.membership.mergeCompact(digest, message.from, now)];
  }

  private roleAllowed(entry: GossipDigestEntry): boolean {
    const role = this.identity?.trust.roleOf(entry.nodeId);
    return role === undefined || role === entry.role;
  }

  /**
   * Requests pushing the news since the last call (suspicions raised or adopted here, suspicions
   * refuted here, this node's refutation of one of itself) to `fanout` members at random, none when
   * there is no news: SWIM-style dissemination at once rather than at the next rounds. Each carries
   * this node's entry and the news only. Call after every merge; it costs nothing without news.
   */
  news(now: number, fanout: number, random: () => number = Math.random): Array<{ url: string; body: string; nonce: string }> {
    const news = this.membership.takeNews(GOSSIP_NEWS_ENTRIES);
    if (news === undefined) return [];
    const suspected = new Set(news.filter((entry) => entry.state === 'suspect').map((entry) => entry.url));
    const targets = this.membership.pick(fanout + suspected.size, random).filter((url) => !suspected.has(url)).slice(0, fanout);
    return targets.map((url) => ({ url, ...this.writer.entries({ from: this.membership.selfId, news: true }, news, now) }));
  }

  private ownEntry(): GossipDigestEntry[] {
    return this.membership.selfInfo.url ? [this.membership.selfEntry()] : [];
  }
}
