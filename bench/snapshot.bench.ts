// 2. snapshot: build and serialize the payload at 1,000, 10,000 and 100,000 peers, when 1% of peers
// changed since the last fetch and when all changed; against the naive port and JSON.stringify.
import { ManualClock, PeerHealthDiagnosticsService, PeerLeaseHealthTracker } from '@omnirelay/peer-health';
import { text } from 'node:stream/consumers';
import * as promClient from 'prom-client';
import { NaivePeerTracker } from './baseline/naive-peer-tracker';
import { median, record } from './support/results';
import { mixedEvents, populate } from './support/workload';

const T0 = Date.UTC(2026, 10, 24, 9, 30);

async function measure(run: () => unknown, rounds: number): Promise<number> {
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const started = process.hrtime.bigint();
    await run();
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return median(times);
}

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
    const textOf = async (body: Awaited<ReturnType<typeof render>>): Promise<string> =>
      body === undefined || typeof body === 'string' || Buffer.isBuffer(body) ? String(body) : text(body);
    // Same bytes, so the comparison is of equals.
    const kitBody = await textOf(await render());
    if (kitBody !== naive.fetchBody()) throw new Error(`kit and baseline bodies differ at ${peers} peers`);

    const rounds = peers >= 100_000 ? 5 : 15;
    let cursor = 0;
    const changeSome = (count: number) => {
      clock.advance(3);
      for (let k = 0; k < count; k++) {
        const i = cursor++ % peers;
        tracker.recordLeaseHeartbeat(stream.peerIds[i] ?? '', stream.baseHandles[i], k % 10);
        naive.recordLeaseHeartbeat(stream.peerIds[i] ?? '', stream.baseHandles[i], k % 10);
      }
    };
    const onePercent = Math.max(1, peers / 100);
    // The changes are applied outside the timed part, the same way for both.
    const timeRender = async (changes: number, fetch: () => unknown): Promise<number> => {
      const times: number[] = [];
      for (let r = 0; r < rounds; r++) {
        changeSome(changes);
        const started = process.hrtime.bigint();
        await fetch();
        times.push(Number(process.hrtime.bigint() - started) / 1e6);
      }
      return median(times);
    };
    const kitOne = await timeRender(onePercent, render);
    const naiveOne = await timeRender(onePercent, () => naive.fetchBody());
    record({
      name: 'snapshot-1pct-changed',
      peers,
      value: kitOne,
      unit: 'ms',
      baseline: naiveOne,
      ratio: naiveOne / kitOne,
      target: peers === 10_000 ? '>= 5x faster than baseline' : '(reported)',
      met: peers === 10_000 ? naiveOne / kitOne >= 5 : null,
    });

    const kitAll = await timeRender(peers, render);
    const naiveAll = await timeRender(peers, () => naive.fetchBody());
    const payload: unknown = JSON.parse(await textOf(await render()));
    const stringify = await measure(() => JSON.stringify(payload), rounds);
    record({
      name: 'snapshot-all-changed',
      peers,
      value: kitAll,
      unit: 'ms',
      baseline: stringify,
      ratio: stringify / kitAll,
      target: peers === 10_000 ? 'within 1.3x of JSON.stringify of the same payload' : '(reported)',
      met: peers === 10_000 ? kitAll <= 1.3 * stringify : null,
      note: `naive port: ${naiveAll.toFixed(1)} ms`,
    });
    tracker.dispose();
  }
}

void main();
