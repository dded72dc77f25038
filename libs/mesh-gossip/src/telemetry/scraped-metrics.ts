import type { OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { registerScrapedMetric, type ScrapedMetricSpec } from './scraped-metric';

/**
 * The metrics of one source on the default registry while the module lives: registered at module
 * init (each unless one of its name is there already), removed at module destroy. A lib's metrics
 * provider extends it with its service and its table of metrics.
 */
export class ScrapedMetrics<S> implements OnModuleInit, OnModuleDestroy {
  private unregister: ReadonlyArray<() => void> = [];

  constructor(
    private readonly source: S,
    private readonly specs: readonly ScrapedMetricSpec<S>[],
  ) {}

  onModuleInit(): void {
    this.unregister = this.specs.map((spec) => registerScrapedMetric(spec.name, () => spec.create(this.source)));
  }

  onModuleDestroy(): void {
    for (const unregister of this.unregister) unregister();
    this.unregister = [];
  }
}
