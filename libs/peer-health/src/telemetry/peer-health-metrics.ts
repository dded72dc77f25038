import type { Logger } from '@nestjs/common';
import type { PeerLeaseHealthTracker } from '../tracker/peer-lease-health.tracker';
import type { PeerLeaseHealthCounts } from '../tracker/interfaces/peer-lease-health-counts.interface';
import type { PeerCounterCell, PeerEventCounters, ProducerCounters } from '../tracker/tracker-read-model';
import { PEER_HEALTH_ANOMALY_KINDS } from '../base/peer-health-anomaly';
import { PEER_HEALTH_METRICS } from './peer-health-metric-names';
import type { PeerHealthMetricLike, PeerHealthMetricRegistry, PromClientModule } from '../base/interfaces/prom-client-like.interface';

/**
 * What the exporter reads at scrape time: the tracker's counts and its internal counters.
 * @internal
 */
export interface PeerHealthMetricsSource {
  readonly counters: PeerEventCounters;
  counts(): PeerLeaseHealthCounts;
}

type CounterLabels = Record<string, string>;
type CounterFill = (sources: ReadonlySet<PeerHealthMetricsSource>, inc: (labels: CounterLabels, value: number) => void) => void;

const exporters = new WeakMap<PeerHealthMetricRegistry, PeerHealthMetrics>();

function eachCell(sources: ReadonlySet<PeerHealthMetricsSource>, visit: (cell: PeerCounterCell) => void): void {
  for (const source of sources) for (const cell of source.counters.allCells()) visit(cell);
}

/**
 * Hands the trackers' plain-number counts to prom-client when Prometheus scrapes, so recording an
 * event never touches prom-client. One exporter per registry: any number of trackers (several
 * apps or testing modules in one process) attach to it and are summed, and no metric is ever
 * registered twice.
 */
export class PeerHealthMetrics {
  private readonly sources = new Set<PeerHealthMetricsSource>();
  /** Every metric of this exporter by name, to put back those removed from the registry. */
  private readonly metrics = new Map<string, PeerHealthMetricLike>();

  private constructor(
    client: PromClientModule,
    private readonly registry: PeerHealthMetricRegistry,
  ) {
    const sources = this.sources;
    const install = (metric: PeerHealthMetricLike, name: string): void => {
      this.metrics.set(name, metric);
    };
    const gauge = (name: string, help: string, read: (counts: PeerLeaseHealthCounts) => number): void => {
      const metric = new client.Gauge({
        name,
        help,
        registers: [],
        collect() {
          let total = 0;
          for (const source of sources) total += read(source.counts());
          this.set(total);
        },
      });
      install(metric, name);
    };
    const counter = (name: string, help: string, labelNames: readonly string[], fill: CounterFill): void => {
      const metric = new client.Counter({
        name,
        help,
        labelNames,
        registers: [],
        collect() {
          // Totals are absolute: rebuild the label sets from the sources' running counts.
          this.reset();
          fill(sources, (labels, value) => this.inc(labels, value));
        },
      });
      install(metric, name);
    };

    gauge(PEER_HEALTH_METRICS.healthy, 'Peers currently healthy (eligible for work).', (c) => c.eligiblePeers);
    gauge(PEER_HEALTH_METRICS.unhealthy, 'Peers currently unhealthy.', (c) => c.unhealthyPeers);
    gauge(
      PEER_HEALTH_METRICS.pendingReassignments,
      'Leases released for requeue and not yet reassigned.',
      (c) => c.pendingReassignments,
    );
    gauge(PEER_HEALTH_METRICS.trackedPeers, 'Peers currently tracked (healthy and unhealthy).', (c) => c.trackedPeers);

    const watchers = new client.Gauge({
      name: PEER_HEALTH_METRICS.watchers,
      help: 'Clients connected to the lease-health event stream.',
      registers: [],
      collect() {
        let total = 0;
        for (const source of sources) total += source.counters.watchers;
        this.set(total);
      },
    });
    install(watchers, PEER_HEALTH_METRICS.watchers);
    const producerChannels = new client.Gauge({
      name: PEER_HEALTH_METRICS.producerChannels,
      help: 'Producer channels open (worker threads recording into the tracker).',
      registers: [],
      collect() {
        let total = 0;
        for (const source of sources) total += source.counters.producers.channels;
        this.set(total);
      },
    });
    install(producerChannels, PEER_HEALTH_METRICS.producerChannels);
    const producerTotal = (name: string, help: string, read: (producers: ProducerCounters) => number): void => {
      counter(name, help, [], (all, inc) => {
        let total = 0;
        for (const source of all) total += read(source.counters.producers);
        inc({}, total);
      });
    };
    producerTotal(PEER_HEALTH_METRICS.producerEventsApplied, 'Events of producer channels applied to the tracker.', (p) => p.eventsApplied);
    producerTotal(PEER_HEALTH_METRICS.producerWaits, 'Times a producer found its channel full and waited for room.', (p) => p.waits);
    producerTotal(
      PEER_HEALTH_METRICS.producerChannelsDropped,
      "Producer channels closed because their thread ended without closing them (or wrote what the kit cannot read).",
      (p) => p.dropped,
    );

    counter(
      PEER_HEALTH_METRICS.assignments,
      'Lease assignments recorded.',
      ['rpc_peer', 'lease_resource_type', 'lease_resource_id'],
      (all, inc) =>
        eachCell(all, (cell) => {
          for (const [type, byId] of cell.assignments) {
            for (const [id, count] of byId) {
              inc({ rpc_peer: cell.rpcPeer, lease_resource_type: type, lease_resource_id: id }, count);
            }
          }
        }),
    );
    counter(PEER_HEALTH_METRICS.heartbeats, 'Lease heartbeats recorded.', ['rpc_peer'], (all, inc) =>
      eachCell(all, (cell) => {
        if (cell.heartbeats > 0) inc({ rpc_peer: cell.rpcPeer }, cell.heartbeats);
      }),
    );
    counter(
      PEER_HEALTH_METRICS.disconnects,
      'Peer disconnects recorded.',
      ['rpc_peer', 'lease_disconnect_reason'],
      (all, inc) =>
        eachCell(all, (cell) => {
          for (const [reason, count] of cell.disconnects) {
            inc({ rpc_peer: cell.rpcPeer, lease_disconnect_reason: reason }, count);
          }
        }),
    );
    counter(PEER_HEALTH_METRICS.releases, 'Lease releases recorded.', ['rpc_peer', 'requeued'], (all, inc) =>
      eachCell(all, (cell) => {
        const kept = cell.releases - cell.requeuedReleases;
        if (kept > 0) inc({ rpc_peer: cell.rpcPeer, requeued: 'false' }, kept);
        if (cell.requeuedReleases > 0) inc({ rpc_peer: cell.rpcPeer, requeued: 'true' }, cell.requeuedReleases);
      }),
    );
    counter(PEER_HEALTH_METRICS.gossipUpdates, 'Gossip metadata updates recorded.', [], (all, inc) => {
      let total = 0;
      for (const source of all) total += source.counters.gossipUpdates;
      inc({}, total);
    });
    counter(
      PEER_HEALTH_METRICS.transitions,
      'Peer health status changes (to="evicted" when a peer is forgotten after the retention period).',
      ['from', 'to', 'reason'],
      (all, inc) => {
        for (const source of all) {
          for (const entry of source.counters.transitions()) {
            inc({ from: entry.from, to: entry.to, reason: entry.reason }, entry.count);
          }
        }
      },
    );
    counter(PEER_HEALTH_METRICS.anomalies, 'Anomalies seen by the peer health kit.', ['kind'], (all, inc) => {
      for (const kind of PEER_HEALTH_ANOMALY_KINDS) {
        let total = 0;
        for (const source of all) total += source.counters.anomalyCount(kind);
        inc({ kind }, total);
      }
    });
  }

  /**
   * Exports `source` through `registry` until the returned function is called. Safe to call for any
   * number of sources and registries in one process.
   */
  static attach(
    client: PromClientModule,
    registry: PeerHealthMetricRegistry,
    source: PeerLeaseHealthTracker,
    logger?: Pick<Logger, 'warn'>,
  ): () => void {
    let exporter = exporters.get(registry);
    if (!exporter) {
      exporter = new PeerHealthMetrics(client, registry);
      exporters.set(registry, exporter);
    }
    // Tests often clear the registry between apps (`register.clear()`): put back what is missing.
    exporter.registerMissing(logger);
    const { sources } = exporter;
    sources.add(source);
    return () => {
      sources.delete(source);
    };
  }

  /** Registers each metric of this exporter that the registry does not hold (again). */
  private registerMissing(logger: Pick<Logger, 'warn'> | undefined): void {
    for (const [name, metric] of this.metrics) {
      const registered = this.registry.getSingleMetric(name);
      if (registered === metric) continue;
      if (registered !== undefined) {
        logger?.warn(`Metric ${name} is already registered by other code; the peer health kit does not export it.`);
        continue;
      }
      this.registry.registerMetric(metric);
    }
  }
}
