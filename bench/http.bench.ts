// 3. HTTP: GET /omnirelay/control/lease-health at 1,000 and 10,000 peers under ingest load, with
// autocannon on 127.0.0.1: requests/s and p99 latency against the naive port served by the same
// Fastify host; plus the If-None-Match path against a bare Fastify route with a constant body.
import autocannon from 'autocannon';
import { record } from './support/results';
import { startBenchHost } from './support/host-process';

const DURATION_S = 4;

async function load(url: string, headers: Record<string, string> = {}): Promise<{ rps: number; p99: number; non2xx: number }> {
  const result = await autocannon({ url, connections: 10, duration: DURATION_S, headers });
  return { rps: result.requests.average, p99: result.latency.p99, non2xx: result.non2xx };
}

async function main(): Promise<void> {
  for (const peers of [1000, 10_000]) {
    const host = await startBenchHost(['--peers', String(peers), '--ingest-rate', '100000']);
    try {
      const kit = await load(`${host.url}/omnirelay/control/lease-health`);
      const naive = await load(`${host.url}/baseline/lease-health`);
      record({
        name: 'http-rps',
        peers,
        value: kit.rps,
        unit: 'req/s',
        baseline: naive.rps,
        ratio: kit.rps / naive.rps,
        target: '(reported; under 100,000 events/s of ingest)',
        met: null,
      });
      record({
        name: 'http-p99',
        peers,
        value: kit.p99,
        unit: 'ms',
        baseline: naive.p99,
        ratio: naive.p99 / Math.max(kit.p99, 0.001),
        target: '(reported)',
        met: null,
      });

      // The conditional path, with ingest paused so that the version holds still.
      await fetch(`${host.url}/bench/ingest/off`, { method: 'POST' });
      const etag = (await fetch(`${host.url}/omnirelay/control/lease-health`)).headers.get('etag') ?? '';
      // Alternated, so that both see the same machine conditions.
      const conditional: Array<{ rps: number; p99: number; non2xx: number }> = [];
      const bareRuns: Array<{ rps: number; p99: number; non2xx: number }> = [];
      for (let round = 0; round < 3; round++) {
        conditional.push(await load(`${host.url}/omnirelay/control/lease-health`, { 'if-none-match': etag }));
        bareRuns.push(await load(`${host.url}/bare`));
      }
      const byRps = (runs: typeof conditional) => [...runs].sort((a, b) => a.rps - b.rps)[1] ?? runs[0] ?? { rps: 0, p99: 0, non2xx: 0 };
      const notModified = byRps(conditional);
      const bare = byRps(bareRuns);
      const ratio = notModified.rps / bare.rps;
      record({
        name: 'http-if-none-match-rps',
        peers,
        value: notModified.rps,
        unit: 'req/s',
        baseline: bare.rps,
        ratio,
        target: '>= 0.8x of a bare Fastify route with a constant body',
        met: ratio >= 0.8 && etag !== '',
        note: `304 answers: ${notModified.non2xx} (all non-2xx are 304s); p99 ${notModified.p99} ms vs bare ${bare.p99} ms`,
      });
    } finally {
      await host.stop();
    }
  }
}

void main();
