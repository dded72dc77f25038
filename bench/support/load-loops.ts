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

/** A JSON POST with its status, parsed body and latency. */
export async function postJson(url: string, body: unknown): Promise<{ status: number; body: unknown; ms: number }> {
  const started = performance.now();
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown), ms: performance.now() - started };
}
