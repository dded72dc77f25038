import { Injectable } from '@nestjs/common';
import { MeshGossipService } from './mesh-gossip.service';
import { GOSSIP_METRICS, type GossipMetricsSource } from './telemetry/gossip-metrics';
import { ScrapedMetrics } from './telemetry/scraped-metrics';

/**
 * The gossip metrics on the default registry (`/metrics`), read from the service at scrape time.
 * An application that exports Prometheus metrics lists it among its providers (prom-client needed).
 */
@Injectable()
export class MeshGossipMetrics extends ScrapedMetrics<GossipMetricsSource> {
  constructor(gossip: MeshGossipService) {
    super(gossip, GOSSIP_METRICS);
  }
}
