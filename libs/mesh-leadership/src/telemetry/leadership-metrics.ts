import { scrapedCounter, scrapedGauge, type ScrapedMetricSpec } from '@omnirelay/mesh-gossip';
import type { MeshLeadershipService } from '../mesh-leadership.service';
import { LEADERSHIP_CHANGES_METRIC, LEADERSHIP_TERM_METRIC } from './leadership-metric-names';

/** What the leadership metrics read at scrape time. @internal */
export type LeadershipMetricsSource = Pick<MeshLeadershipService, 'leaders' | 'changes'>;

/** The leadership metrics, one row each, read from the service when Prometheus scrapes. @internal */
export const LEADERSHIP_METRICS: readonly ScrapedMetricSpec<LeadershipMetricsSource>[] = [
  /** Leader changes this node saw per scope (roles that run leadership). */
  scrapedCounter(LEADERSHIP_CHANGES_METRIC, 'Leader changes this node saw, per leadership scope.', ['scope'], (leadership, inc) => {
    const changes = leadership.changes();
    for (const { scope } of leadership.leaders()) inc({ scope }, changes.get(scope) ?? 0);
  }),
  /** The current term of each scope as this node sees it. */
  scrapedGauge(LEADERSHIP_TERM_METRIC, 'Current leadership term per scope, as this node sees it (terms only grow).', ['scope'], (leadership, set) => {
    for (const { scope, term } of leadership.leaders()) set({ scope }, term);
  }),
];
