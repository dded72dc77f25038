import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { MeshGossipService } from '@omnirelay/mesh-gossip';
import { leadershipMetadataKey, PeerLeaseHealthTracker, type LeadershipRole, type PeerRecorder } from '@omnirelay/peer-health';
import { GossipLeadershipStore } from './gossip-leadership.store';
import type { LeadershipStore, ScopeLeadership } from './interfaces/leadership-store.interface';
import { LEADERSHIP_STORE } from './mesh-leadership.constants';

/**
 * Keeps the `mesh.leader.scope.<scope>` label of every participant current in the tracker. Writes
 * only what changed, so a stable mesh costs nothing per gossip round.
 */
@Injectable()
export class MeshLeadershipService implements OnModuleInit, OnModuleDestroy {
  /** nodeId -> its recorder and, per scope, the role last recorded */
  private readonly recorded = new Map<string, { readonly recorder: PeerRecorder; readonly roles: Map<string, LeadershipRole> }>();
  private readonly unsubscribe: Array<() => void> = [];
  /** Leader changes seen per scope (plain numbers, exported at scrape time). */
  private readonly changeCounts = new Map<string, number>();
  private readonly lastLeader = new Map<string, string | undefined>();

  constructor(
    @Inject(LEADERSHIP_STORE) private readonly store: LeadershipStore,
    private readonly tracker: PeerLeaseHealthTracker,
    private readonly gossip: MeshGossipService,
  ) {}

  onModuleInit(): void {
    if (this.store instanceof GossipLeadershipStore) {
      const store = this.store;
      this.unsubscribe.push(this.gossip.onChange((members) => store.update(members)));
      store.update(this.gossip.members());
    }
    this.store.start?.();
    for (const { scope, leaderId } of this.store.leaders()) this.lastLeader.set(scope, leaderId);
    this.unsubscribe.push(this.store.onChange((change) => this.audit(change)));
    this.unsubscribe.push(this.store.onChange(() => this.sync()));
    this.unsubscribe.push(this.gossip.onChange(() => this.sync()));
    this.sync();
  }

  async onModuleDestroy(): Promise<void> {
    for (const off of this.unsubscribe.splice(0)) off();
    await this.store.stop?.();
  }

  leaders(): readonly ScopeLeadership[] {
    return this.store.leaders();
  }

  /** Leader changes seen by this node per scope since it started. */
  changes(): ReadonlyMap<string, number> {
    return this.changeCounts;
  }

  private audit(change: ScopeLeadership): void {
    const { scope, leaderId, term } = change;
    this.changeCounts.set(scope, (this.changeCounts.get(scope) ?? 0) + 1);
    const previousLeader = this.lastLeader.get(scope) ?? null;
    this.lastLeader.set(scope, leaderId);
    const observer = this.gossip.nodeId;
    // Outside a gossip round (a store of its own): an id of this change alone.
    const correlationId = this.gossip.correlationId || `${observer}/${scope}/t${term}`;
    this.gossip.audit.record({ event: 'leadership-change', nodeId: leaderId ?? null, scope, term, previousLeader, observer, correlationId });
  }

  private sync(): void {
    const leaders = this.store.leaders();
    // The kit's event stream announces leader changes (it ignores a repeated leader).
    for (const { scope, leaderId, term } of leaders) this.tracker.publishLeadership({ scope, leaderId: leaderId ?? null, term });
    for (const nodeId of this.store.participants()) {
      let node = this.recorded.get(nodeId);
      if (!node) {
        node = { recorder: this.tracker.peer(nodeId), roles: new Map() };
        this.recorded.set(nodeId, node);
      }
      for (const { scope, leaderId } of leaders) {
        const role: LeadershipRole = leaderId === nodeId ? 'leader' : 'follower';
        if (node.roles.get(scope) === role) continue;
        node.roles.set(scope, role);
        node.recorder.gossip({ [leadershipMetadataKey(scope)]: role });
      }
    }
    // A node that is gone leads nothing any more; forget what was recorded so that it is written
    // again if the node comes back.
    const present = new Set(this.store.participants());
    for (const [nodeId, node] of this.recorded) {
      if (present.has(nodeId)) continue;
      for (const [scope, role] of node.roles) if (role === 'leader') node.recorder.gossip({ [leadershipMetadataKey(scope)]: 'follower' });
      this.recorded.delete(nodeId);
    }
  }
}
