// 1. ingest: mixed events over 10,000 and 100,000 peers, telemetry on; events per second.
import { PeerHealthMetrics, PeerLeaseHealthTracker } from '@omnirelay/peer-health';
import * as promClient from 'prom-client';
import { NaivePeerTracker } from './baseline/naive-peer-tracker';
import { median, record } from './support/results';
import { apply, mixedEvents, populate, type EventStream, type PeerEventSink } from './support/workload';

function rate(sink: PeerEventSink, events: EventStream): number {
  const started = process.hrtime.bigint();
  apply(sink, events);
  return events.count / (Number(process.hrtime.bigint() - started) / 1e9);
}

for (const peers of [10_000, 100_000]) {
  const events = mixedEvents(peers, 2_000_000);
  const tracker = new PeerLeaseHealthTracker({ heartbeatGracePeriodMs: 30_000, maxPeerLabelValues: 1000 });
  PeerHealthMetrics.attach(promClient, new promClient.Registry(), tracker);
  const naive = new NaivePeerTracker(30_000, { now: Date.now }, new promClient.Registry());
  populate(tracker, peers, 0, events);
  populate(naive, peers, 0, events);
  // Alternate so both see the same machine conditions.
  const kit: number[] = [];
  const base: number[] = [];
  for (let round = 0; round < 3; round++) {
    kit.push(rate(tracker, events));
    base.push(rate(naive, events));
  }
  const value = median(kit);
  const baseline = median(base);
  const ratio = value / baseline;
  record({
    name: 'ingest',
    peers,
    value,
    unit: 'events/s',
    baseline,
    ratio,
    target: peers === 100_000 ? '>= 5,000,000 events/s and >= 3x baseline' : '>= 3x baseline',
    met: peers === 100_000 ? value >= 5_000_000 && ratio >= 3 : ratio >= 3,
  });
  tracker.dispose();
}
