import { Injectable } from '@nestjs/common';
import { ScrapedMetrics } from '@omnirelay/mesh-gossip';
import { MeshLeadershipService } from './mesh-leadership.service';
import { LEADERSHIP_METRICS, type LeadershipMetricsSource } from './telemetry/leadership-metrics';

/**
 * The leadership metrics on the default registry (`/metrics`), read from the service at scrape time.
 * An application that runs leadership and exports Prometheus metrics lists it among its providers.
 */
@Injectable()
export class MeshLeadershipMetrics extends ScrapedMetrics<LeadershipMetricsSource> {
  constructor(leadership: MeshLeadershipService) {
    super(leadership, LEADERSHIP_METRICS);
  }
}
