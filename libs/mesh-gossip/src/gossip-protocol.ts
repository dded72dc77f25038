import { GossipCodec } from './gossip-codec';
import { GossipMembership, type GossipMembershipLimits, type MemberChange } from './gossip-membership';
import { GossipRefusal, type GossipInboundOutcome } from './gossip-refusal';
import type { GossipDigestEntry, GossipMemberInfo, GossipMessage } from './interfaces/gossip-member.interface';
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
    return this.write(undefined, now);
  }

  /** Reads a request; returns what changed and the answer. Throws GossipRefusal (counted). */
  receive(body: unknown, now: number): { changes: MemberChange[]; reply: string } {
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
    return { changes, reply: this.write(message.nonce, now).body };
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

  private write(replyTo: string | undefined, now: number): { body: string; nonce: string } {
    const head = { from: this.membership.selfId, ...(replyTo === undefined ? {} : { replyTo }) };
    const written = this.codec.write(head, this.membership.digest(), now, this.sendBytes, this.sendMembers);
    this.messageMembers.sent.observe(written.carried);
    const carriedSelf = this.membership.selfInfo.url && written.carried > 0 ? 1 : 0;
    const others = Math.max(0, written.carried - carriedSelf);
    this.membership.advance(others);
    if (others > 0) this.pageEntries = others;
    return written;
  }
}
