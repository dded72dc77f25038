import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { GOSSIP_INBOUND_OUTCOMES, GOSSIP_OUTBOUND_OUTCOMES, MeshGossipService } from '@omnirelay/mesh-gossip';
import { Counter, register } from 'prom-client';

export const GOSSIP_MESSAGES_METRIC = 'mesh_gossip_messages_total';

/**
 * Exports the gossip service's message counts as `mesh_gossip_messages_total{direction,outcome}` on
 * the registry `/metrics` serves. Like the kit, the service keeps plain numbers and this reads them
 * when Prometheus scrapes, so a gossip message never touches prom-client.
 */
@Injectable()
export class GossipMessagesMetric implements OnModuleInit, OnModuleDestroy {
  constructor(private readonly gossip: MeshGossipService) {}

  onModuleInit(): void {
    if (register.getSingleMetric(GOSSIP_MESSAGES_METRIC)) return;
    const gossip = this.gossip;
    const metric = new Counter({
      name: GOSSIP_MESSAGES_METRIC,
      help: 'Gossip messages by direction (in: received, out: sent) and outcome (accepted, or why refused or failed).',
      labelNames: ['direction', 'outcome'],
      registers: [],
      collect() {
        this.reset();
        const { inbound, outbound } = gossip.messageCounters;
        for (const outcome of GOSSIP_INBOUND_OUTCOMES) this.inc({ direction: 'in', outcome }, inbound[outcome]);
        for (const outcome of GOSSIP_OUTBOUND_OUTCOMES) this.inc({ direction: 'out', outcome }, outbound[outcome]);
      },
    });
    register.registerMetric(metric);
  }

  onModuleDestroy(): void {
    register.removeSingleMetric(GOSSIP_MESSAGES_METRIC);
  }
}
