// npm run bench: runs every benchmark in its own process, then writes bench/results/latest.json,
// appends one line (commit, machine, figures) to bench/results/history.jsonl and prints the table.
import { spawnSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { appendFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { format, PARTIAL_RESULTS, type BenchResult } from './support/results';

const BENCHES: ReadonlyArray<{ file: string; flags: string[] }> = [
  { file: 'ingest.bench.js', flags: ['--max-old-space-size=8192'] },
  { file: 'snapshot.bench.js', flags: ['--max-old-space-size=8192'] },
  { file: 'query.bench.js', flags: ['--max-old-space-size=8192'] },
  { file: 'http.bench.js', flags: [] },
  { file: 'heartbeat.bench.js', flags: [] },
  { file: 'event-loop.bench.js', flags: [] },
  { file: 'memory.bench.js', flags: ['--expose-gc', '--max-old-space-size=8192'] },
  { file: 'transition-lag.bench.js', flags: [] },
  { file: 'dashboard.bench.js', flags: [] },
  { file: 'fleet.bench.js', flags: [] },
  { file: 'federation-budget.bench.js', flags: [] },
  { file: 'health-policy.bench.js', flags: [] },
  { file: 'held-leases.bench.js', flags: [] },
  { file: 'convergence.bench.js', flags: ['--max-old-space-size=4096'] },
  { file: 'producers.bench.js', flags: ['--max-old-space-size=4096'] },
  { file: 'etcd.bench.js', flags: [] },
  { file: 'failover.bench.js', flags: [] },
];

const only = process.argv.slice(2);
const startLoad = loadavg().map((n) => Number(n.toFixed(2)));
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
// The load average before and after: the machine may be shared, and absolute figures move with it.
const machine = {
  cores: cpus().length,
  cpu: cpus()[0]?.model ?? 'unknown',
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  platform: `${process.platform}-${process.arch}`,
  loadAverageAtStart: startLoad,
  loadAverageAtEnd: loadavg().map((n) => Number(n.toFixed(2))),
};
const git = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: resolve(__dirname, '../..'), encoding: 'utf8' });
const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: resolve(__dirname, '../..'), encoding: 'utf8' });
const commit = git.status === 0 ? `${git.stdout.trim()}${dirty.stdout.trim() ? '+dirty' : ''}` : 'unknown';
const latest = resolve(__dirname, '../../bench/results/latest.json');
// A partial run (`run.js memory`) replaces its own rows and keeps the others.
const key = (r: BenchResult) => `${r.name}@${r.peers}`;
const kept =
  only.length > 0 && existsSync(latest)
    ? (JSON.parse(readFileSync(latest, 'utf8')) as { results: BenchResult[] }).results.filter((r) => !fresh.some((f) => key(f) === key(r)))
    : [];
const results = [...kept, ...fresh];
const date = new Date().toISOString();
writeFileSync(latest, `${JSON.stringify({ date, commit, machine, command: 'npm run bench', results }, null, 2)}\n`);
// One line per run, this run's figures only: the record of how the figures moved over time.
const history = resolve(__dirname, '../../bench/results/history.jsonl');
const figures = fresh.map((r) => ({ name: r.name, peers: r.peers, value: r.value, unit: r.unit, baseline: r.baseline, ratio: r.ratio, met: r.met, valueMin: r.valueMin, valueMax: r.valueMax }));
appendFileSync(history, `${JSON.stringify({ date, commit, machine, only: only.length > 0 ? only : undefined, figures })}\n`);

const rows = results.map((r) => [
  r.name,
  r.peers.toLocaleString('en-US'),
  `${format(r.value)}${r.valueMin === undefined ? '' : ` [${format(r.valueMin)}..${format(r.valueMax ?? null)}]`} ${r.unit}`,
  r.baseline === null ? '-' : `${format(r.baseline)}${r.baselineMin === undefined ? '' : ` [${format(r.baselineMin)}..${format(r.baselineMax ?? null)}]`}`,
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
