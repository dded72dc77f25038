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
  /** How many alternating runs the median is of, and the spread of value and baseline over them. */
  readonly runs?: number;
  readonly valueMin?: number;
  readonly valueMax?: number;
  readonly baselineMin?: number;
  readonly baselineMax?: number;
}

/** Median, min and max of repeated runs of one figure. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly runs: readonly number[];
}

export function spread(runs: readonly number[]): Spread {
  return { median: median(runs), min: Math.min(...runs), max: Math.max(...runs), runs };
}

/**
 * Runs every measurement `rounds` times, alternating between them round by round (kit, baseline,
 * kit, baseline, ...), so that all see the same machine conditions; each gets its median, min, max.
 */
export async function alternate<K extends string>(rounds: number, measures: Readonly<Record<K, () => number | Promise<number>>>): Promise<Record<K, Spread>> {
  const names = Object.keys(measures) as K[];
  const values = new Map<K, number[]>(names.map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const name of names) values.get(name)?.push(await measures[name]());
  }
  const result = {} as Record<K, Spread>;
  for (const name of names) result[name] = spread(values.get(name) ?? []);
  return result;
}

/** The spread fields of a result: its value's and its baseline's. */
export function spreadFields(value: Spread, baseline?: Spread): Pick<BenchResult, 'runs' | 'valueMin' | 'valueMax' | 'baselineMin' | 'baselineMax'> {
  return {
    runs: value.runs.length,
    valueMin: value.min,
    valueMax: value.max,
    ...(baseline ? { baselineMin: baseline.min, baselineMax: baseline.max } : {}),
  };
}

/** Lines of JSON, one per result; bench/run.ts collects them into bench/results/latest.json. */
export const PARTIAL_RESULTS = resolve(__dirname, '../../../bench/results/partial.jsonl');

export function record(result: BenchResult): void {
  mkdirSync(dirname(PARTIAL_RESULTS), { recursive: true });
  appendFileSync(PARTIAL_RESULTS, `${JSON.stringify(result)}\n`);
  const ratio = result.ratio === null ? '' : ` (x${result.ratio.toFixed(2)} vs baseline ${format(result.baseline)})`;
  const range = result.valueMin === undefined ? '' : ` [${format(result.valueMin)}..${format(result.valueMax ?? null)}]`;
  console.log(`${result.name} @${result.peers}: ${format(result.value)}${range} ${result.unit}${ratio} target ${result.target}: ${result.met === null ? '-' : result.met ? 'met' : 'MISSED'}`);
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
