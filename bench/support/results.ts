import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export interface BenchResult {
  readonly name: string;
  readonly peers: number;
  readonly value: number;
  readonly unit: string;
  /** The naive port's figure in the same run, or the named reference. */
  readonly baseline: number | null;
  /** value / baseline for rates, baseline / value for times and sizes: above 1 is better. */
  readonly ratio: number | null;
  readonly target: string;
  readonly met: boolean | null;
  readonly note?: string;
}

/** Lines of JSON, one per result; bench/run.ts collects them into bench/results/latest.json. */
export const PARTIAL_RESULTS = resolve(__dirname, '../../../bench/results/partial.jsonl');

export function record(result: BenchResult): void {
  mkdirSync(dirname(PARTIAL_RESULTS), { recursive: true });
  appendFileSync(PARTIAL_RESULTS, `${JSON.stringify(result)}\n`);
  const ratio = result.ratio === null ? '' : ` (x${result.ratio.toFixed(2)} vs baseline ${format(result.baseline)})`;
  console.log(`${result.name} @${result.peers}: ${format(result.value)} ${result.unit}${ratio} target ${result.target}: ${result.met === null ? '-' : result.met ? 'met' : 'MISSED'}`);
}

export function format(value: number | null): string {
  if (value === null) return '-';
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  return value.toPrecision(3);
}

/** Median of repeated measurements, robust to a noisy neighbour. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

export const gc = (): void => {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect) collect();
};
