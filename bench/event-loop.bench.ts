// 4. event loop: event-loop delay p99 (perf_hooks) of the host while 100,000-peer bodies are fetched
// repeatedly during ingest.
import { record } from './support/results';
import { startBenchHost } from './support/host-process';

async function main(): Promise<void> {
  const host = await startBenchHost(['--peers', '100000', '--ingest-rate', '200000', '--baseline', '0']);
  try {
    const url = `${host.url}/omnirelay/control/lease-health`;
    await (await fetch(url)).arrayBuffer();
    await fetch(`${host.url}/bench/eld`);
    const until = Date.now() + 15_000;
    let fetched = 0;
    let bytes = 0;
    const client = async () => {
      while (Date.now() < until) {
        const body = await (await fetch(url)).arrayBuffer();
        bytes += body.byteLength;
        fetched++;
      }
    };
    await Promise.all([client(), client()]);
    const eld = (await (await fetch(`${host.url}/bench/eld`)).json()) as { p50: number; p99: number; max: number };
    record({
      name: 'event-loop-delay-p99',
      peers: 100_000,
      value: eld.p99,
      unit: 'ms',
      baseline: null,
      ratio: null,
      target: '<= 50 ms',
      met: eld.p99 <= 50,
      note: `${fetched} bodies of ${(bytes / Math.max(fetched, 1) / 1e6).toFixed(1)} MB in 15 s, 2 concurrent clients, 200,000 events/s ingested; p50 ${eld.p50.toFixed(1)} ms, max ${eld.max.toFixed(1)} ms`,
    });
  } finally {
    await host.stop();
  }
}

void main();
