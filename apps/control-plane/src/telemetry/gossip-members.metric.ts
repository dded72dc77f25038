import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { MeshGossipService, type GossipMemberState } from '@omnirelay/mesh-gossip';
import { Gauge } from 'prom-client';
import { registerScrapedMetric } from './scraped-metric';

export const GOSSIP_MEMBERS_METRIC = 'mesh_gossip_members';
const STATES: readonly GossipMemberState[] = ['alive', 'suspect', 'dead', 'left'];

/** `mesh_gossip_members{state}`: members this node knows by its local judgement, itself excluded. */
@Injectable()
export class GossipMembersMetric implements OnModuleInit, OnModuleDestroy {
  private unregister: () => void = () => undefined;

  constructor(private readonly gossip: MeshGossipService) {}

  onModuleInit(): void {
    const gossip = this.gossip;
    this.unregister = registerScrapedMetric(
      GOSSIP_MEMBERS_METRIC,
      () =>
        new Gauge({
          name: GOSSIP_MEMBERS_METRIC,
          help: 'Gossip members this node knows, by state (alive, suspect, dead, left), itself excluded.',
          labelNames: ['state'],
          registers: [],
          collect() {
            const counts = gossip.memberStates();
            for (const state of STATES) this.set({ state }, counts[state]);
          },
        }),
    );
  }

  onModuleDestroy(): void {
    this.unregister();
  }
}
