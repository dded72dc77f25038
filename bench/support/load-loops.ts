import { Agent, request } from 'node:http';
import { percentile } from './results';

/** A rate of successful steps and their latency. */
export interface LoadFigure {
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly count: number;
}

/**
 * Runs `step` from `loops` concurrent loops for `seconds` (or until a step answers undefined: nothing
 * left to do); a step resolves with its latency in ms. The rate counts successful steps over the wall time.
 */
export async function runLoops(loops: number, seconds: number, step: (loop: number) => Promise<number | undefined>): Promise<LoadFigure> {
  const latencies: number[] = [];
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: loops }, async (_, loop) => {
      while (performance.now() < until) {
        const ms = await step(loop);
        if (ms === undefined) return;
        latencies.push(ms);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  return { perSecond: latencies.length / elapsed, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), count: latencies.length };
}

/**
 * Keep-alive connections for the load clients. The clients share the machine's cores with what they
 * measure, so they use node:http (about a third of the CPU per request that fetch costs here), as a
 * raw etcd round uses the lean gRPC client: a fleet's clients run on other machines.
 */
const keepAlive = new Agent({ keepAlive: true });

/** A JSON POST with its status, parsed body and latency. */
export function postJson(url: string, body: unknown): Promise<{ status: number; body: unknown; ms: number }> {
  const started = performance.now();
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method: 'POST', agent: keepAlive, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: response.statusCode ?? 0, body: text === '' ? undefined : (JSON.parse(text) as unknown), ms: performance.now() - started });
      });
    });
    outgoing.on('error', reject);
    outgoing.end(payload);
  });
}
