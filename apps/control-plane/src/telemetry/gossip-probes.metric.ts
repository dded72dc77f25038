import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { MeshGossipService, type ProbeCounters } from '@omnirelay/mesh-gossip';
import { Counter } from 'prom-client';
import { registerScrapedMetric } from './scraped-metric';

export const GOSSIP_PROBES_METRIC = 'mesh_gossip_probes_total';

/** Each counter of the service, as `role` (whose probe) and `outcome`. */
const SERIES: ReadonlyArray<{ readonly key: keyof ProbeCounters; readonly role: 'own' | 'relayed'; readonly outcome: string }> = [
  { key: 'reached', role: 'own', outcome: 'reached' },
  { key: 'suspected', role: 'own', outcome: 'suspected' },
  { key: 'relayed', role: 'relayed', outcome: 'run' },
  { key: 'declined', role: 'relayed', outcome: 'declined' },
];

/**
 * `mesh_gossip_probes_total{role,outcome}`: indirect probes (SWIM ping-req). `own`: probes this node
 * ran after a failed exchange, ending `reached` (a relay reached the member, or it was heard from
 * since) or `suspected`; `relayed`: probe requests of other members, `run` or `declined`. Read from
 * the service's plain numbers when Prometheus scrapes.
 */
@Injectable()
export class GossipProbesMetric implements OnModuleInit, OnModuleDestroy {
  private unregister: () => void = () => undefined;

  constructor(private readonly gossip: MeshGossipService) {}

  onModuleInit(): void {
    const gossip = this.gossip;
    this.unregister = registerScrapedMetric(
      GOSSIP_PROBES_METRIC,
      () =>
        new Counter({
          name: GOSSIP_PROBES_METRIC,
          help: 'Indirect gossip probes by role (own, relayed) and outcome (reached, suspected; run, declined).',
          labelNames: ['role', 'outcome'],
          registers: [],
          collect() {
            this.reset();
            const counters = gossip.probeCounters;
            for (const { key, role, outcome } of SERIES) this.inc({ role, outcome }, counters[key]);
          },
        }),
    );
  }

  onModuleDestroy(): void {
    this.unregister();
  }
}
