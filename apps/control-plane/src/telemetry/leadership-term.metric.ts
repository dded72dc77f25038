import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { MeshLeadershipService } from '@omnirelay/mesh-leadership';
import { Gauge } from 'prom-client';
import { registerScrapedMetric } from './scraped-metric';

export const LEADERSHIP_TERM_METRIC = 'mesh_leadership_term';

/** `mesh_leadership_term{scope}`: the current term of each scope as this node sees it. */
@Injectable()
export class LeadershipTermMetric implements OnModuleInit, OnModuleDestroy {
  private unregister: () => void = () => undefined;

  constructor(private readonly leadership: MeshLeadershipService) {}

  onModuleInit(): void {
    const leadership = this.leadership;
    this.unregister = registerScrapedMetric(
      LEADERSHIP_TERM_METRIC,
      () =>
        new Gauge({
          name: LEADERSHIP_TERM_METRIC,
          help: 'Current leadership term per scope, as this node sees it (terms only grow).',
          labelNames: ['scope'],
          registers: [],
          collect() {
            for (const { scope, term } of leadership.leaders()) this.set({ scope }, term);
          },
        }),
    );
  }

  onModuleDestroy(): void {
    this.unregister();
  }
}
