import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import {
  GOSSIP_INBOUND_OUTCOMES,
  GOSSIP_OUTBOUND_OUTCOMES,
  MeshGossipService,
  type GossipInboundOutcome,
  type GossipOutboundOutcome,
} from '@omnirelay/mesh-gossip';
import { Counter } from 'prom-client';
import { registerScrapedMetric } from './scraped-metric';

export const GOSSIP_MESSAGES_METRIC = 'mesh_gossip_messages_total';

type Outcome = 'ok' | 'rejected' | 'failed';

/** The seed system's three outcomes; the service's finer one is kept as `reason`. */
const INBOUND: Record<GossipInboundOutcome, Outcome> = {
  accepted: 'ok',
  unauthenticated: 'rejected',
  replayed: 'rejected',
  malformed: 'rejected',
  'too-large': 'rejected',
};
const OUTBOUND: Record<GossipOutboundOutcome, Outcome> = {
  accepted: 'ok',
  refused: 'rejected',
  unauthenticated: 'rejected',
  malformed: 'rejected',
  'not-allowed': 'rejected',
  failed: 'failed',
};

/**
 * `mesh_gossip_messages_total{direction,outcome,reason}`: direction `received` (requests from peers)
 * or `sent` (exchanges this node started); outcome `ok`, `rejected` (refused by either side: MAC,
 * replay, bounds, allow-list, a 4xx) or `failed` (no answer, 5xx); reason the service's own outcome.
 * Read from the service's plain numbers when Prometheus scrapes.
 */
@Injectable()
export class GossipMessagesMetric implements OnModuleInit, OnModuleDestroy {
  private unregister: () => void = () => undefined;

  constructor(private readonly gossip: MeshGossipService) {}

  onModuleInit(): void {
    const gossip = this.gossip;
    this.unregister = registerScrapedMetric(
      GOSSIP_MESSAGES_METRIC,
      () =>
        new Counter({
          name: GOSSIP_MESSAGES_METRIC,
          help: 'Gossip messages by direction (received, sent), outcome (ok, rejected, failed) and reason (the finer outcome).',
          labelNames: ['direction', 'outcome', 'reason'],
          registers: [],
          collect() {
            this.reset();
            const { inbound, outbound } = gossip.messageCounters;
            for (const reason of GOSSIP_INBOUND_OUTCOMES) this.inc({ direction: 'received', outcome: INBOUND[reason], reason }, inbound[reason]);
            for (const reason of GOSSIP_OUTBOUND_OUTCOMES) this.inc({ direction: 'sent', outcome: OUTBOUND[reason], reason }, outbound[reason]);
          },
        }),
    );
  }

  onModuleDestroy(): void {
    this.unregister();
  }
}
