import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { MeshGossipService } from '@omnirelay/mesh-gossip';
import { registerScrapedMetric } from './scraped-metric';
import { ScrapedHistogram } from './scraped-histogram';

export const GOSSIP_RTT_METRIC = 'mesh_gossip_rtt_ms';

/** `mesh_gossip_rtt_ms`: round trips (request sent to answer read) of answered exchanges this node started. */
@Injectable()
export class GossipRttMetric implements OnModuleInit, OnModuleDestroy {
  private unregister: () => void = () => undefined;

  constructor(private readonly gossip: MeshGossipService) {}

  onModuleInit(): void {
    const rtt = this.gossip.rtt;
    this.unregister = registerScrapedMetric(
      GOSSIP_RTT_METRIC,
      () => new ScrapedHistogram(GOSSIP_RTT_METRIC, 'Round trip of an answered gossip exchange this node started, milliseconds.', [], () => [{ labels: {}, histogram: rtt }]),
    );
  }

  onModuleDestroy(): void {
    this.unregister();
  }
}
