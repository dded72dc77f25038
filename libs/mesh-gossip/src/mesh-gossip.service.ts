import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { GOSSIP_LEFT_REASON, gossipMemberMetadata, PeerLeaseHealthTracker, type GossipMemberMetadata, type PeerRecorder } from '@omnirelay/peer-health';
import { GossipAddressRefused } from './errors/gossip-address-refused.error';
import { GossipHttpClient } from './gossip-http-client';
import type { MemberChange } from './membership/member-change';
import type { ProbeCounters, ProbePlan } from './indirect-probes';
import { GossipProtocol, type GossipMessageCounters } from './gossip-protocol';
import { GossipRefusal } from './errors/gossip-refusal.error';
import type { GossipMemberInfo, GossipMemberState, GossipMemberView } from './interfaces/gossip-member.interface';
import type { GossipRoundTiming } from './interfaces/gossip-round-timing.interface';
import type { MeshGossipOptions } from './interfaces/mesh-gossip-options.interface';
import { MESH_GOSSIP_OPTIONS } from './mesh-gossip.constants';
import { GOSSIP_LIMITS } from './mesh-gossip.limits';
import { GossipAddressPolicy } from './security/gossip-address-policy';
import { GossipIdentity } from './security/gossip-identity';
import { GossipKeyring } from './security/gossip-keyring';
import { GossipTrustStore } from './security/gossip-trust';
import { MeshAuditLog, type MeshAuditEventKind } from './telemetry/mesh-audit-log';
import { GOSSIP_RTT_BUCKETS_MS, PlainHistogram } from './telemetry/plain-histogram';

export type MembershipListener = (members: readonly GossipMemberView[]) => void;

export interface MeshGossipStats {
  readonly rounds: number;
  readonly failedRequests: number;
  readonly droppedEntries: number;
  readonly signed: boolean;
  readonly members: number;
  readonly tombstones: number;
  readonly refusedMembers: number;
  readonly refusedAddresses: number;
  readonly refusedIdentities: number;
  readonly ignoredClaims: number;
  readonly refusedSuspicions: number;
  readonly compactedTombstones: number;
  readonly messages: { readonly inbound: Readonly<Record<string, number>>; readonly outbound: Readonly<Record<string, number>> };
  readonly membersByState: Readonly<Record<GossipMemberState, number>>;
}

/** Which audit event a membership change is, if any. */
function auditKind(change: MemberChange): MeshAuditEventKind | undefined {
  const { previous, state } = change;
  if (state === previous) return undefined;
  if (state === 'alive') return previous === 'suspect' ? 'refute' : 'join';
  return state;
}

/**
 * Gossips membership with other nodes over HTTP and records what it learns into the kit's tracker:
 * member metadata (mesh.* / label.*), liveness (a heartbeat whenever a member's version advances)
 * and departures (a disconnect with reason gossip-left when a member leaves or is declared dead).
 */
@Injectable()
export class MeshGossipService implements OnApplicationShutdown {
  private readonly logger = new Logger('MeshGossip');
  private readonly protocol: GossipProtocol;
  private readonly client: GossipHttpClient;
  /** For probe requests: a relay answers only after its own exchange with the member, so it waits twice as long. */
  private readonly probeClient: GossipHttpClient;
  private readonly timing: GossipRoundTiming;
  private readonly seeds: readonly string[];
  private readonly listeners = new Set<MembershipListener>();
  /** A bound recorder per member not known to be gone (dropped when it leaves or dies): no lookup per event. */
  private readonly recorders = new Map<string, PeerRecorder>();
  private timer: NodeJS.Timeout | undefined;
  private rounds = 0;
  private inboundMessages = 0;
  private failedRequests = 0;
  /** Round trips of exchanges this node started and that were answered, ms. */
  readonly rtt = new PlainHistogram(GOSSIP_RTT_BUCKETS_MS);
  /** Where audit lines go; the leadership module writes its changes here too. */
  readonly audit: MeshAuditLog;
  /** Correlation id of the round that first suspected a member, so its death carries the same id. */
  private readonly suspectedIn = new Map<string, string>();
  private correlation = '';

  constructor(
    @Inject(MESH_GOSSIP_OPTIONS) options: MeshGossipOptions,
    private readonly tracker: PeerLeaseHealthTracker,
  ) {
    const self: GossipMemberInfo = {
      nodeId: options.nodeId,
      url: '',
      role: options.role,
      cluster: options.cluster ?? 'local',
      region: options.region ?? 'local',
      meshVersion: options.meshVersion ?? '1.0.0',
      http3: options.http3 ?? false,
      labels: { ...options.labels },
    };
    this.seeds = (options.seeds ?? []).map((seed) => seed.replace(/\/$/, ''));
    // Entries without a port admit only gossip ports, so a forged member cannot aim this node at another service's port.
    const policy =
      options.allow && options.allow.length > 0
        ? new GossipAddressPolicy(options.allow, { hostOnlyPorts: 'gossip' })
        : GossipAddressPolicy.forSeeds(this.seeds, 'gossip');
    const keys = options.keys ?? [];
    const identity = options.identity ? GossipIdentity.fromPem(options.nodeId, options.identity.privateKey, GossipTrustStore.parse(options.identity.trust)) : undefined;
    // A restart is a new incarnation, so its versions beat everything the old process said.
    this.protocol = new GossipProtocol(self, Date.now(), {
      policy,
      seeds: this.seeds,
      ...(keys.length > 0 ? { keyring: GossipKeyring.fromBase64(keys) } : {}),
      ...(identity ? { identity } : {}),
      limits: {
        ...(options.maxMembers === undefined ? {} : { maxMembers: options.maxMembers }),
        ...(options.maxTombstones === undefined ? {} : { maxTombstones: options.maxTombstones }),
      },
      ...(options.replayWindowMs === undefined ? {} : { replayWindowMs: options.replayWindowMs }),
    });
    const requestTimeoutMs = options.requestTimeoutMs ?? 1000;
    this.client = new GossipHttpClient(policy, requestTimeoutMs, GOSSIP_LIMITS.replyBytes, options.tls);
    this.probeClient = new GossipHttpClient(policy, 2 * requestTimeoutMs, GOSSIP_LIMITS.replyBytes, options.tls);
    this.timing = {
      roundIntervalMs: options.roundIntervalMs ?? 1000,
      fanout: options.fanout ?? 3,
      suspicionTimeoutMs: options.suspicionTimeoutMs ?? 5000,
      forgetAfterMs: options.forgetAfterMs ?? 600_000,
    };
    this.audit = new MeshAuditLog(options.logFormat);
  }

  /**
   * The correlation id of the membership changes being reported right now (set while listeners
   * run): a leadership change made in a listener shares the id of the gossip round that caused it.
   */
  get correlationId(): string {
    return this.correlation;
  }

  /** Entries per gossip message by direction: plain numbers for the metrics exporter. */
  get messageMembers(): { readonly sent: PlainHistogram; readonly received: PlainHistogram } {
    return this.protocol.messageMembers;
  }

  /** Members by local state, this node excluded. */
  memberStates(): Record<GossipMemberState, number> {
    return this.protocol.membership.stateCounts();
  }

  get nodeId(): string {
    return this.protocol.membership.selfId;
  }

  /** Indirect probe outcomes: plain numbers, read at scrape time by a metrics exporter. */
  get probeCounters(): Readonly<ProbeCounters> {
    return this.protocol.probes.counters;
  }

  /** Message counts by direction and outcome: plain numbers, read at scrape time by a metrics exporter. */
  get messageCounters(): Readonly<GossipMessageCounters> {
    return this.protocol.counters;
  }

  /** Starts gossiping once the HTTP server listens at `selfUrl`. */
  start(selfUrl: string): void {
    if (this.timer) return;
    this.protocol.setSelfUrl(selfUrl.replace(/\/$/, ''));
    this.recordMember(this.protocol.membership.selfInfo);
    if (!this.protocol.signed) {
      // Not a warning: the loopback demo is meant to run like this, and the gate refuses warnings.
      this.logger.log('gossip is unsigned (no cluster key): fine on loopback for a demo; production needs a gossip key');
    }
    void this.round();
    this.timer = setInterval(() => void this.round(), this.timing.roundIntervalMs);
  }

  /** The local view, this node included, sorted by node id. */
  members(): GossipMemberView[] {
    return this.protocol.membership.view(Date.now());
  }

  /** Called after every membership change (join, leave, suspicion, death, new metadata). */
  onChange(listener: MembershipListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stats(): MeshGossipStats {
    const { membership, counters } = this.protocol;
    return {
      rounds: this.rounds,
      failedRequests: this.failedRequests,
      droppedEntries: counters.droppedEntries,
      signed: this.protocol.signed,
      members: membership.size,
      tombstones: membership.tombstoneCount,
      ...membership.counters,
      refusedAddresses: counters.refusedAddresses,
      refusedIdentities: counters.refusedIdentities,
      messages: { inbound: { ...counters.inbound }, outbound: { ...counters.outbound } },
      membersByState: membership.stateCounts(),
    };
  }

  /**
   * Handles a message from another node and answers with this node's digest (push-pull), as the
   * JSON text to send; a probe request is answered after this node's own exchange with the member
   * named (bounded by the request timeout). Throws GossipRefusal (counted) for a message refused at the door.
   */
  async receive(body: unknown): Promise<string> {
    const received = this.protocol.receive(body, Date.now());
    const id = `${this.nodeId}/in${++this.inboundMessages}`;
    this.recordChanges(received.changes, id);
    if (received.relay === undefined) return received.reply;
    const { relay } = received;
    return relay.answer(await this.reach(relay.nodeId, relay.url, id), Date.now());
  }

  /**
   * A relayed probe: true only when the member answered with a valid gossip answer (signed, in a
   * signed mesh) from that very node id; an HTTP error, a 500 or anybody else's answer is `unreached`.
   */
  private async reach(nodeId: string, url: string, id: string): Promise<boolean> {
    const { body, nonce } = this.protocol.request(Date.now(), url);
    try {
      const reply = await this.client.post(url, body);
      if (reply.status !== 200) return false;
      this.recordChanges(this.protocol.acceptAnswerOf(nodeId, url, reply.body, nonce, Date.now()), id);
      return true;
    } catch (error) {
      // A listener failing on what the member said must not keep the relay slot either: `unreached`.
      this.logger.debug(`probe of ${nodeId}: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
    // Say goodbye, so that peers record the departure at once instead of after the suspicion timeout.
    this.protocol.membership.leave();
    await Promise.all(this.protocol.membership.reachable().map((url) => this.exchange(url, `${this.nodeId}/leave`, false)));
  }

  private async round(): Promise<void> {
    this.rounds++;
    const round = `${this.nodeId}/r${this.rounds}`;
    // Targets are picked before the changes are reported: listeners read the membership, never change it.
    const { changes, targets, vouched } = this.protocol.openRound(Date.now(), this.timing, this.seeds);
    this.recordChanges(changes, round);
    this.recorderOf(this.nodeId).heartbeat();
    for (const nodeId of vouched) this.recorderOf(nodeId).heartbeat();
    await Promise.all(targets.map((url) => this.exchange(url, round, true)));
  }

  /**
   * One push-pull exchange with `url`; true when the member answered at all (even a refusal shows it
   * runs). With `probeOnFailure`, no answer starts an indirect probe of the member.
   */
  private async exchange(url: string, round: string, probeOnFailure: boolean): Promise<boolean> {
    const { outbound } = this.protocol.counters;
    const { body, nonce } = this.protocol.request(Date.now(), url);
    try {
      const startedAt = performance.now();
      const reply = await this.client.post(url, body);
      if (reply.status === 200) this.rtt.observe(performance.now() - startedAt);
      if (reply.status !== 200) {
        outbound[reply.status >= 400 && reply.status < 500 ? 'refused' : 'failed']++;
        this.failedRequests++;
        this.logger.debug(`gossip with ${url}: HTTP ${reply.status}`);
        return true;
      }
      this.recordChanges(this.protocol.acceptReply(reply.body, nonce, Date.now(), url), round);
      outbound.accepted++;
      return true;
    } catch (error) {
      // A peer that is down or answers garbage is a normal event in a mesh: count it, keep going.
      this.failedRequests++;
      if (error instanceof GossipAddressRefused) outbound['not-allowed']++;
      else if (error instanceof GossipRefusal) outbound[error.outcome === 'unauthenticated' || error.outcome === 'replayed' ? 'unauthenticated' : 'malformed']++;
      else outbound.failed++;
      this.logger.debug(`gossip with ${url} failed: ${error instanceof Error ? error.message : String(error)}`);
      // Only silence (no answer at all) is a reason to probe; an answer that is refused shows the member runs.
      const silent = !(error instanceof GossipAddressRefused) && !(error instanceof GossipRefusal);
      if (silent && probeOnFailure) {
        const plan = this.protocol.exchangeFailed(url);
        if (plan) void this.probe(plan, round);
      }
      return error instanceof GossipRefusal;
    }
  }

  /** Pushes news (suspicions, refutations) to a few members at once (SWIM-style dissemination); fire and forget. */
  private pushNews(round: string): void {
    for (const { url, body, nonce } of this.protocol.news(Date.now(), this.timing.fanout)) {
      void this.client
        .post(url, body)
        .then((reply) => {
          if (reply.status === 200) this.recordChanges(this.protocol.acceptReply(reply.body, nonce, Date.now(), url), round);
        })
        .catch((error: unknown) => this.logger.debug(`news to ${url} failed: ${error instanceof Error ? error.message : String(error)}`));
    }
  }

  /** SWIM ping-req: asks the plan's relays to contact the member; none reaching it makes this node suspect it. */
  private async probe(plan: ProbePlan, round: string): Promise<void> {
    const verdicts = await Promise.all(plan.relays.map((relay) => this.askRelay(relay, plan, round)));
    this.recordChanges(this.protocol.finishProbe(plan, verdicts.includes(true), Date.now()), round);
  }

  private async askRelay(relay: string, plan: ProbePlan, round: string): Promise<boolean> {
    const { body, nonce } = this.protocol.probeRequest(plan, Date.now(), relay);
    try {
      const reply = await this.probeClient.post(relay, body);
      if (reply.status !== 200) return false;
      const { changes, result } = this.protocol.acceptProbeReply(reply.body, nonce, Date.now(), relay);
      this.recordChanges(changes, round);
      return result === 'reached';
    } catch (error) {
      this.logger.debug(`probe through ${relay} failed: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    }
  }

  private recorderOf(nodeId: string): PeerRecorder {
    let recorder = this.recorders.get(nodeId);
    if (!recorder) {
      recorder = this.tracker.peer(nodeId);
      this.recorders.set(nodeId, recorder);
    }
    return recorder;
  }

  private recordMember(member: GossipMemberMetadata & { readonly nodeId: string }): void {
    this.recorderOf(member.nodeId).gossip(gossipMemberMetadata(member));
  }

  private recordChanges(changes: readonly MemberChange[], round: string): void {
    // Called after every merge: news (a suspicion, a refutation) goes out at once, without waiting for a change to record.
    this.pushNews(round);
    if (changes.length === 0) return;
    // A batch that ends a suspicion takes the id of the round that raised it: cause and effect share one id.
    let correlation = round;
    for (const change of changes) {
      const kind = auditKind(change);
      if (kind === undefined) continue;
      const { nodeId } = change.info;
      let id = round;
      if (kind === 'suspect') this.suspectedIn.set(nodeId, round);
      else {
        id = this.suspectedIn.get(nodeId) ?? round;
        this.suspectedIn.delete(nodeId);
        if (kind === 'dead' && correlation === round) correlation = id;
      }
      this.audit.record({ event: kind, nodeId, incarnation: change.incarnation, observer: this.nodeId, correlationId: id });
    }
    for (const change of changes) {
      const { info, state, previous } = change;
      if (state === 'alive') {
        if (change.infoChanged || previous !== 'alive') this.recordMember(info);
        if (change.progressed) this.recorderOf(info.nodeId).heartbeat();
      } else if ((state === 'dead' || state === 'left') && previous !== 'dead' && previous !== 'left') {
        if (change.infoChanged) this.recordMember(info);
        this.recorderOf(info.nodeId).disconnect(GOSSIP_LEFT_REASON);
        this.recorders.delete(info.nodeId);
      }
    }
    const view = this.members();
    this.correlation = correlation;
    try {
      for (const listener of this.listeners) listener(view);
    } finally {
      this.correlation = '';
    }
  }
}
