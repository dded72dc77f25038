import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { MeshLeadershipService } from '@omnirelay/mesh-leadership';
import { Counter } from 'prom-client';
import { registerScrapedMetric } from './scraped-metric';

export const LEADERSHIP_CHANGES_METRIC = 'mesh_leadership_changes_total';

/** `mesh_leadership_changes_total{scope}`: leader changes this node saw per scope (roles that run leadership). */
@Injectable()
export class LeadershipChangesMetric implements OnModuleInit, OnModuleDestroy {
  private unregister: () => void = () => undefined;

  constructor(private readonly leadership: MeshLeadershipService) {}

  onModuleInit(): void {
    const leadership = this.leadership;
    this.unregister = registerScrapedMetric(
      LEADERSHIP_CHANGES_METRIC,
      () =>
        new Counter({
          name: LEADERSHIP_CHANGES_METRIC,
          help: 'Leader changes this node saw, per leadership scope.',
          labelNames: ['scope'],
          registers: [],
          collect() {
            this.reset();
            const changes = leadership.changes();
            for (const { scope } of leadership.leaders()) this.inc({ scope }, changes.get(scope) ?? 0);
          },
        }),
    );
  }

  onModuleDestroy(): void {
    this.unregister();
  }
}
