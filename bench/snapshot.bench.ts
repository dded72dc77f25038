// 2. snapshot: build and serialize the payload at 1,000, 10,000 and 100,000 peers, when 1% of peers
// changed since the last fetch and when all changed; against the naive port and JSON.stringify of
// the same payload. Each run is the median of several renders; runs alternate kit and baseline.
import { ManualClock, PeerHealthDiagnosticsService, PeerLeaseHealthTracker } from '@omnirelay/peer-health';
import { text } from 'node:stream/consumers';
import * as promClient from 'prom-client';
import { NaivePeerTracker } from './baseline/naive-peer-tracker';
import { alternate, median, record, spreadFields } from './support/results';
import { mixedEvents, populate } from './support/workload';

const T0 = Date.UTC(2026, 10, 24, 9, 30);
const RUNS = 3;

async function main(): Promise<void> {
  for (const peers of [1000, 10_000, 100_000]) {
    const stream = mixedEvents(peers, 1);
    const clock = new ManualClock(T0);
    const tracker = new PeerLeaseHealthTracker({ clock, heartbeatGracePeriodMs: 60_000 });
    const service = new PeerHealthDiagnosticsService([tracker], tracker, { providerTimeoutMs: 1000, telemetry: { enabled: false, registry: undefined } });
    const naive = new NaivePeerTracker(60_000, clock, new promClient.Registry());
    populate(tracker, peers, 0, stream);
    populate(naive, peers, 0, stream);
    const render = async () => (await service.render()).body;
    // As the endpoint does: the body is released once sent (here: at once), so its buffers are reused.
    const renderAndRelease = async () => (await service.renderHeld()).release();
    const textOf = async (body: Awaited<ReturnType<typeof render>>): Promise<string> =>
      body === undefined || typeof body === 'string' || Buffer.isBuffer(body) ? String(body) : text(body);
    // Same bytes, so the comparison is of equals.
    const kitBody = await textOf(await render());
    if (kitBody !== naive.fetchBody()) throw new Error(`kit and baseline bodies differ at ${peers} peers`);

    const renders = peers >= 100_000 ? 3 : peers >= 10_000 ? 7 : 15;
    let cursor = 0;
    // Heartbeats of `count` peers, 3 ms later: applied to both, outside the timed part.
    const changeSome = (count: number) => {
      clock.advance(3);
      for (let k = 0; k < count; k++) {
        const i = cursor++ % peers;
        tracker.recordLeaseHeartbeat(stream.peerIds[i] ?? '', stream.baseHandles[i], k % 10);
        naive.recordLeaseHeartbeat(stream.peerIds[i] ?? '', stream.baseHandles[i], k % 10);
      }
    };
    /** One run: the median time of `renders` fetches, each after `changes` changes. */
    const run = (changes: number, fetch: () => unknown) => async (): Promise<number> => {
      const times: number[] = [];
      for (let r = 0; r < renders; r++) {
        if (changes > 0) changeSome(changes);
        const started = process.hrtime.bigint();
        await fetch();
        times.push(Number(process.hrtime.bigint() - started) / 1e6);
      }
      return median(times);
    };

    const onePercent = Math.max(1, peers / 100);
    const one = await alternate(RUNS, { kit: run(onePercent, renderAndRelease), naive: run(onePercent, () => naive.fetchBody()) });
    // The target holds in every run: the smallest ratio of a run's pair.
    const worstRatio = Math.min(...one.kit.runs.map((kit, r) => (one.naive.runs[r] ?? 0) / kit));
    record({
      name: 'snapshot-1pct-changed',
      peers,
      value: one.kit.median,
      unit: 'ms',
      baseline: one.naive.median,
      ratio: one.naive.median / one.kit.median,
      target: peers === 10_000 ? '>= 5x faster than baseline, in every run' : '(reported)',
      met: peers === 10_000 ? worstRatio >= 5 : null,
      note: `smallest ratio of a run: ${worstRatio.toFixed(2)}x`,
      ...spreadFields(one.kit, one.naive),
    });

    const payload: unknown = JSON.parse(await textOf(await render()));
    const all = await alternate(RUNS, {
      kit: run(peers, renderAndRelease),
      stringify: run(0, () => JSON.stringify(payload)),
      naive: run(peers, () => naive.fetchBody()),
    });
    const ratio = all.stringify.median / all.kit.median;
    record({
      name: 'snapshot-all-changed',
      peers,
      value: all.kit.median,
      unit: 'ms',
      baseline: all.stringify.median,
      ratio,
      target: peers >= 10_000 ? 'within 1.3x of JSON.stringify of the same payload' : '(reported)',
      met: peers >= 10_000 ? all.kit.median <= 1.3 * all.stringify.median : null,
      note: `baseline: JSON.stringify; naive port ${all.naive.median.toFixed(1)} ms [${all.naive.min.toFixed(1)}..${all.naive.max.toFixed(1)}]`,
      ...spreadFields(all.kit, all.stringify),
    });
    tracker.dispose();
  }
}

void main();
