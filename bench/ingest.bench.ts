// 1. ingest: the mixed event stream over 10,000 and 100,000 peers in uniformly random order,
// telemetry on; events per second. Per round, alternating: the kit by id, the kit through bound
// recorders, the naive port (by id), the bare loop (Map.get + clock read + one field write), and the
// recorders' floor (the same replay through stand-ins that only read the clock and write one field).
import { PeerHealthMetrics, PeerLeaseHealthTracker, systemClock, type PeerRecorder } from '@omnirelay/peer-health';
import * as promClient from 'prom-client';
import { NaivePeerTracker } from './baseline/naive-peer-tracker';
import { alternate, record, spreadFields } from './support/results';
import { apply, applyBare, applyRecorders, FloorRecorder, mixedEvents, populate, type BarePeer, type EventStream } from './support/workload';

const EVENTS = 500_000;
const ROUNDS = 3;

function rateOf(events: EventStream, run: () => unknown): number {
  const started = process.hrtime.bigint();
  run();
  return events.count / (Number(process.hrtime.bigint() - started) / 1e9);
}

async function main(): Promise<void> {
  for (const peers of [10_000, 100_000]) {
    const events = mixedEvents(peers, EVENTS);
    const tracker = new PeerLeaseHealthTracker({ heartbeatGracePeriodMs: 30_000, maxPeerLabelValues: 1000 });
    PeerHealthMetrics.attach(promClient, new promClient.Registry(), tracker);
    const naive = new NaivePeerTracker(30_000, { now: Date.now }, new promClient.Registry());
    populate(tracker, peers, 0, events);
    populate(naive, peers, 0, events);
    const recorders: PeerRecorder[] = events.peerIds.map((id) => tracker.peer(id));
    const bare = new Map<string, BarePeer>(events.peerIds.map((id) => [id, { lastHeartbeat: 0 }]));
    const floor = events.peerIds.map(() => new FloorRecorder(systemClock));
    let missing = 0;

    const runs = await alternate(ROUNDS, {
      byId: () => rateOf(events, () => apply(tracker, events)),
      recorder: () => rateOf(events, () => applyRecorders(recorders, events)),
      naive: () => rateOf(events, () => apply(naive, events)),
      bare: () => rateOf(events, () => (missing += applyBare(bare, systemClock, events))),
      floor: () => rateOf(events, () => applyRecorders(floor, events)),
    });
    if (missing > 0) throw new Error('bare loop missed peers');

    const recorderRatio = runs.recorder.median / runs.naive.median;
    record({
      name: 'ingest-recorder',
      peers,
      value: runs.recorder.median,
      unit: 'events/s',
      baseline: runs.naive.median,
      ratio: recorderRatio,
      target: peers === 100_000 ? '>= 3x baseline and >= 2,500,000 events/s' : '(reported)',
      met: peers === 100_000 ? recorderRatio >= 3 && runs.recorder.median >= 2_500_000 : null,
      ...spreadFields(runs.recorder, runs.naive),
    });
    record({
      name: 'ingest-recorder-vs-floor',
      peers,
      value: runs.recorder.median,
      unit: 'events/s',
      baseline: runs.floor.median,
      ratio: runs.recorder.median / runs.floor.median,
      target: '(reported: the floor bounds any recorder on this machine)',
      met: null,
      note: 'baseline: the same replay through stand-in recorders that only read the clock and write one field',
      ...spreadFields(runs.recorder, runs.floor),
    });
    const byIdRatio = runs.byId.median / runs.naive.median;
    record({
      name: 'ingest-by-id',
      peers,
      value: runs.byId.median,
      unit: 'events/s',
      baseline: runs.naive.median,
      ratio: byIdRatio,
      target: peers === 100_000 ? '>= 5,000,000 events/s and >= 3x baseline (issue 7)' : '>= 3x baseline',
      met: peers === 100_000 ? runs.byId.median >= 5_000_000 && byIdRatio >= 3 : byIdRatio >= 3,
      ...spreadFields(runs.byId, runs.naive),
    });
    const bareRatio = runs.byId.median / runs.bare.median;
    record({
      name: 'ingest-by-id-vs-bare',
      peers,
      value: runs.byId.median,
      unit: 'events/s',
      baseline: runs.bare.median,
      ratio: bareRatio,
      target: peers === 100_000 ? '>= 0.8x of the bare Map.get + clock + write loop' : '(reported)',
      met: peers === 100_000 ? bareRatio >= 0.8 : null,
      note: 'baseline: the bare loop over the same replay',
      ...spreadFields(runs.byId, runs.bare),
    });
    tracker.dispose();
  }
}

void main();
