// npm run bench: runs every benchmark in its own process (the machine is shared by nothing else of
// ours meanwhile), then writes bench/results/latest.json and prints the table.
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { format, PARTIAL_RESULTS, type BenchResult } from './support/results';

const BENCHES: ReadonlyArray<{ file: string; flags: string[] }> = [
  { file: 'ingest.bench.js', flags: ['--max-old-space-size=8192'] },
  { file: 'snapshot.bench.js', flags: ['--max-old-space-size=8192'] },
  { file: 'http.bench.js', flags: [] },
  { file: 'event-loop.bench.js', flags: [] },
  { file: 'memory.bench.js', flags: ['--expose-gc', '--max-old-space-size=8192'] },
  { file: 'transition-lag.bench.js', flags: [] },
  { file: 'gossip-convergence.bench.js', flags: ['--max-old-space-size=4096'] },
];

const only = process.argv.slice(2);
rmSync(PARTIAL_RESULTS, { force: true });
for (const bench of BENCHES) {
  if (only.length > 0 && !only.some((name) => bench.file.startsWith(name))) continue;
  console.log(`\n== ${bench.file}`);
  const result = spawnSync(process.execPath, [...bench.flags, resolve(__dirname, bench.file)], { stdio: 'inherit' });
  if (result.status !== 0) console.error(`${bench.file} exited with ${result.status}`);
}

const fresh: BenchResult[] = existsSync(PARTIAL_RESULTS)
  ? readFileSync(PARTIAL_RESULTS, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as BenchResult)
  : [];
rmSync(PARTIAL_RESULTS, { force: true });
const machine = { cores: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version, platform: `${process.platform}-${process.arch}` };
const latest = resolve(__dirname, '../../bench/results/latest.json');
// A partial run (`run.js memory`) replaces its own rows and keeps the others.
const key = (r: BenchResult) => `${r.name}@${r.peers}`;
const kept =
  only.length > 0 && existsSync(latest)
    ? (JSON.parse(readFileSync(latest, 'utf8')) as { results: BenchResult[] }).results.filter((r) => !fresh.some((f) => key(f) === key(r)))
    : [];
const results = [...kept, ...fresh];
writeFileSync(latest, `${JSON.stringify({ date: new Date().toISOString(), machine, command: 'npm run bench', results }, null, 2)}\n`);

const rows = results.map((r) => [
  r.name,
  r.peers.toLocaleString('en-US'),
  `${format(r.value)} ${r.unit}`,
  r.baseline === null ? '-' : format(r.baseline),
  r.ratio === null ? '-' : `x${r.ratio.toFixed(2)}`,
  r.target,
  r.met === null ? '-' : r.met ? 'met' : 'MISSED',
]);
const header = ['benchmark', 'peers', 'value', 'baseline', 'ratio', 'target', ''];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]?.length ?? 0)));
const line = (cells: readonly string[]) => cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ');
console.log(`\n${machine.cores} cores, ${machine.cpu}, Node ${machine.node}`);
console.log(line(header));
for (const row of rows) console.log(line(row));
console.log(`\nwritten to ${latest}`);
