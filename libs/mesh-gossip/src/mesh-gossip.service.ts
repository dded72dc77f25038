import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { GOSSIP_LEFT_REASON, gossipMemberMetadata, PeerLeaseHealthTracker, type GossipMemberMetadata, type PeerRecorder } from '@omnirelay/peer-health';
import { GossipMembership, type MemberChange } from './gossip-membership';
import { parseGossipMessage } from './gossip-message';
import { fetchGossipTransport, type GossipTransport } from './gossip-transport';
import type { GossipMemberInfo, GossipMemberView, GossipMessage } from './interfaces/gossip-member.interface';
import type { MeshGossipOptions } from './interfaces/mesh-gossip-options.interface';
import { MESH_GOSSIP_OPTIONS } from './mesh-gossip.constants';

export type MembershipListener = (members: readonly GossipMemberView[]) => void;

/**
 * Gossips membership with other nodes over HTTP and records what it learns into the kit's tracker:
 * member metadata (mesh.* / label.*), liveness (a heartbeat whenever a member's version advances)
 * and departures (a disconnect with reason gossip-left when a member leaves or is declared dead).
 */
@Injectable()
export class MeshGossipService implements OnApplicationShutdown {
  private readonly logger = new Logger('MeshGossip');
  private readonly membership: GossipMembership;
  private readonly roundIntervalMs: number;
  private readonly fanout: number;
  private readonly suspicionTimeoutMs: number;
  private readonly requestTimeoutMs: number;
  private readonly forgetAfterMs: number;
  private readonly seeds: readonly string[];
  private readonly transport: GossipTransport;
  private readonly requestHeaders: Readonly<Record<string, string>>;
  private readonly listeners = new Set<MembershipListener>();
  /** A bound recorder per member not known to be gone (dropped when it leaves or dies): no lookup per event. */
  private readonly recorders = new Map<string, PeerRecorder>();
  private timer: NodeJS.Timeout | undefined;

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
    // A restart is a new incarnation, so its versions beat everything the old process said.
    this.membership = new GossipMembership(self, Date.now());
    this.roundIntervalMs = options.roundIntervalMs ?? 1000;
    this.fanout = options.fanout ?? 3;
    this.suspicionTimeoutMs = options.suspicionTimeoutMs ?? 5000;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 1000;
    this.forgetAfterMs = options.forgetAfterMs ?? 600_000;
    this.seeds = (options.seeds ?? []).map((seed) => seed.replace(/\/$/, ''));
    this.transport = options.transport ?? fetchGossipTransport;
    this.requestHeaders = {
      'content-type': 'application/json',
      ...(options.authToken === undefined ? {} : { authorization: `Bearer ${options.authToken}` }),
    };
  }

  get nodeId(): string {
    return this.membership.selfId;
  }

  /** Starts gossiping once the HTTP server listens at `selfUrl`. */
  start(selfUrl: string): void {
    if (this.timer) return;
    this.membership.setSelfUrl(selfUrl.replace(/\/$/, ''));
    this.recordMember(this.membership.selfInfo);
    void this.round();
    this.timer = setInterval(() => void this.round(), this.roundIntervalMs);
  }

  /** The local view, this node included, sorted by node id. */
  members(): GossipMemberView[] {
    return this.membership.view(Date.now());
  }

  /** Called after every membership change (join, leave, suspicion, death, new metadata). */
  onChange(listener: MembershipListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Handles a message from another node and answers with this node's digest (push-pull). */
  receive(body: unknown): GossipMessage {
    const { message } = parseGossipMessage(body);
    this.recordChanges(this.membership.merge(message.members, Date.now()));
    return { from: this.nodeId, members: this.membership.digest() };
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
    // Say goodbye, so that peers record the departure at once instead of after the suspicion timeout.
    this.membership.leave();
    await this.sendTo(this.membership.reachable());
  }

  private async round(): Promise<void> {
    this.membership.beat();
    this.recordChanges(this.membership.sweep(Date.now(), this.suspicionTimeoutMs, this.forgetAfterMs));
    this.recorderOf(this.nodeId).heartbeat();
    const reachable = this.membership.reachable();
    const targets = reachable.length > 0 ? reachable.slice(0, this.fanout) : this.seeds;
    await this.sendTo(targets);
  }

  private async sendTo(urls: readonly string[]): Promise<void> {
    const message: GossipMessage = { from: this.nodeId, members: this.membership.digest() };
    const body = JSON.stringify(message);
    await Promise.all(urls.map((url) => this.exchange(url, body)));
  }

  private async exchange(url: string, body: string): Promise<void> {
    try {
      const answer = await this.transport({ url: `${url}/control/gossip`, body, headers: this.requestHeaders, timeoutMs: this.requestTimeoutMs });
      if (answer.status < 200 || answer.status > 299) throw new Error(`HTTP ${answer.status}`);
      const { message } = parseGossipMessage(JSON.parse(answer.body));
      this.recordChanges(this.membership.merge(message.members, Date.now()));
    } catch (error) {
      // A peer that is down or answers garbage is a normal event in a mesh: log it, keep going.
      this.logger.debug(`gossip with ${url} failed: ${error instanceof Error ? error.message : String(error)}`);
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

  private recordChanges(changes: readonly MemberChange[]): void {
    if (changes.length === 0) return;
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
    for (const listener of this.listeners) listener(view);
  }
}
