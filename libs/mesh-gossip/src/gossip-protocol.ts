import { GossipCodec, type MessageHead, type WrittenMessage } from './gossip-codec';
import { GossipMembership, type GossipMembershipLimits, type MemberChange } from './gossip-membership';
import { GossipRefusal, type GossipInboundOutcome } from './gossip-refusal';
import { IndirectProbes, PROBE_LIMITS, type ProbePlan } from './indirect-probes';
import type { GossipDigestEntry, GossipMemberInfo, GossipMessage, GossipProbeResult } from './interfaces/gossip-member.interface';
import type { GossipRoundTiming } from './interfaces/gossip-round-timing.interface';
import type { GossipAddressPolicy } from './security/gossip-address-policy';
import type { GossipKeyring } from './security/gossip-keyring';
import { GossipReplayGuard } from './security/gossip-replay-guard';
import { scaledSuspicionMs } from './scaled-suspicion';
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
  /** Entries whose address is not allowed (not http(s), not in --gossip-allow, link-local, metadata). */
  refusedAddresses: number;
}

export interface GossipProtocolOptions {
  readonly keyring?: GossipKeyring;
  readonly policy: GossipAddressPolicy;
  readonly limits?: Partial<GossipMembershipLimits>;
  /** A signed message is accepted within ±this of its sentAt (default 30000). */
  readonly replayWindowMs?: number;
  /** Nonces remembered for the replay window, at most (default 16384). */
  readonly replayCapacity?: number;
  /** Bytes and entries per message this node writes (default GOSSIP_LIMITS.sendBytes / sendMembers). */
  readonly sendBytes?: number;
  readonly sendMembers?: number;
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
  };
  /** Member entries per message, by direction: plain numbers, exported at scrape time. */
  readonly messageMembers = {
    sent: new PlainHistogram(GOSSIP_MESSAGE_MEMBER_BUCKETS),
    received: new PlainHistogram(GOSSIP_MESSAGE_MEMBER_BUCKETS),
  };
  private readonly codec: GossipCodec;
  private readonly policy: GossipAddressPolicy;
  private readonly sendBytes: number | undefined;
  private readonly sendMembers: number | undefined;
  /** SWIM-style indirect probes this node runs and runs for others. */
  readonly probes = new IndirectProbes();
  /** Members (after this node's own entry) the last message carried: the page size in practice. */
  private pageEntries = Number.MAX_SAFE_INTEGER;

  constructor(self: GossipMemberInfo, incarnation: number, options: GossipProtocolOptions) {
    this.membership = new GossipMembership(self, incarnation, options.limits);
    this.codec = new GossipCodec(options.keyring, new GossipReplayGuard(options.replayWindowMs ?? 30_000, options.replayCapacity ?? 16_384));
    this.policy = options.policy;
    this.sendBytes = options.sendBytes;
    this.sendMembers = options.sendMembers;
  }

  get signed(): boolean {
    return this.codec.signed;
  }

  /** The suspicion timeout to apply, stretched when the member list takes several messages. */
  suspicionTimeoutMs(configuredMs: number, roundIntervalMs: number): number {
    return scaledSuspicionMs(configuredMs, roundIntervalMs, this.membership.size, this.pageEntries);
  }

  /**
   * Opens a gossip round at `now`: this node's heartbeat, the sweep (suspect, dead, forgotten) with
   * the applied suspicion timeout, and the members to contact (up to `fanout` at random, else the
   * seeds). The service runs it on a timer; the convergence bench runs it on a virtual clock.
   */
  openRound(now: number, timing: GossipRoundTiming, seeds: readonly string[], random: () => number = Math.random): { changes: MemberChange[]; targets: readonly string[] } {
    this.membership.beat();
    const suspicionMs = this.suspicionTimeoutMs(timing.suspicionTimeoutMs, timing.roundIntervalMs);
    const changes = this.membership.sweep(now, suspicionMs, timing.forgetAfterMs);
    const picked = this.membership.pick(timing.fanout, random);
    return { changes, targets: picked.length > 0 ? picked : seeds };
  }

  /** True when this node may contact (and accept a member advertising) `url`. */
  allows(url: string): boolean {
    return this.policy.allowsUrl(url);
  }

  /** A request carrying this node's next digest page. */
  request(now: number): { body: string; nonce: string } {
    return this.write({ from: this.membership.selfId }, now);
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

  /** A request asking a relay to contact the member of `plan`, with this node's digest page. */
  probeRequest(plan: ProbePlan, now: number): { body: string; nonce: string } {
    return this.write({ from: this.membership.selfId, probe: plan.version.nodeId }, now);
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
    try {
      const read = this.codec.readRequest(body, now);
      this.counters.droppedEntries += read.dropped;
      message = read.message;
    } catch (error) {
      if (error instanceof GossipRefusal) this.counters.inbound[error.outcome]++;
      throw error;
    }
    this.counters.inbound.accepted++;
    this.messageMembers.received.observe(message.members.length);
    const changes = this.merge(message, now);
    const replyTo = message.nonce;
    const head = (probeResult?: GossipProbeResult): MessageHead => ({
      from: this.membership.selfId,
      ...(replyTo === undefined ? {} : { replyTo }),
      ...(probeResult === undefined ? {} : { probeResult }),
    });
    // A news push is answered with this node's own entry: the news went one way, cheaply.
    if (message.news) return { changes, reply: this.writeEntries(head(), this.ownEntry(), now).body };
    if (message.probe === undefined) return { changes, reply: this.write(head(), now).body };
    // Only members this node knows are probed, at the address it knows: a request names a node id, never a URL.
    const nodeId = message.probe;
    const url = nodeId === this.membership.selfId ? undefined : this.membership.urlOf(nodeId);
    if (nodeId === this.membership.selfId) return { changes, reply: this.write(head('reached'), now).body };
    if (url === undefined || !this.policy.allowsUrl(url)) {
      this.probes.counters.declined++;
      return { changes, reply: this.write(head('declined'), now).body };
    }
    if (!this.probes.beginRelay()) return { changes, reply: this.write(head('declined'), now).body };
    let answered = false;
    const answer = (reached: boolean, at: number): string => {
      if (!answered) this.probes.endRelay();
      answered = true;
      return this.write(head(reached ? 'reached' : 'unreached'), at).body;
    };
    return { changes, relay: { nodeId, url, answer } };
  }

  /** Reads the answer to a probe request of this node: its changes and the relay's verdict. Throws GossipRefusal. */
  acceptProbeReply(body: unknown, requestNonce: string, now: number): { changes: MemberChange[]; result: GossipProbeResult } {
    const { message, dropped } = this.codec.readReply(body, requestNonce, now);
    this.counters.droppedEntries += dropped;
    this.messageMembers.received.observe(message.members.length);
    return { changes: this.merge(message, now), result: message.probeResult ?? 'declined' };
  }

  /** Reads the answer to a request of this node. Throws GossipRefusal. */
  acceptReply(body: unknown, requestNonce: string, now: number): MemberChange[] {
    const { message, dropped } = this.codec.readReply(body, requestNonce, now);
    this.counters.droppedEntries += dropped;
    this.messageMembers.received.observe(message.members.length);
    return this.merge(message, now);
  }

  private merge(message: GossipMessage, now: number): MemberChange[] {
    const allowed: GossipDigestEntry[] = [];
    for (const entry of message.members) {
      if (entry.nodeId === this.membership.selfId || this.policy.allowsUrl(entry.url)) allowed.push(entry);
      else this.counters.refusedAddresses++;
    }
    return this.membership.merge(allowed, message.from, now);
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
    return targets.map((url) => ({ url, ...this.writeEntries({ from: this.membership.selfId, news: true }, news, now) }));
  }

  private ownEntry(): GossipDigestEntry[] {
    return this.membership.selfInfo.url ? [this.membership.selfEntry()] : [];
  }

  /** A message of these entries, as many as fit (counted in the sent-size histogram). */
  private writeEntries(head: MessageHead, entries: Iterable<GossipDigestEntry>, now: number): WrittenMessage {
    const written = this.codec.write(head, entries, now, this.sendBytes, this.sendMembers);
    this.messageMembers.sent.observe(written.carried);
    return written;
  }

  /** A message carrying this node's next page of the member list. */
  private write(head: MessageHead, now: number): { body: string; nonce: string } {
    const written = this.writeEntries(head, this.membership.digest(), now);
    const carriedSelf = this.membership.selfInfo.url && written.carried > 0 ? 1 : 0;
    const others = Math.max(0, written.carried - carriedSelf);
    this.membership.advance(others);
    if (others > 0) this.pageEntries = others;
    return written;
  }
}
