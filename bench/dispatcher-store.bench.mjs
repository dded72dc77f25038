// node bench/dispatcher-store.bench.mjs [seconds]: leases/s and heartbeats/s through the dispatcher's
// HTTP API, on the memory store and on etcd (a real single-member etcd on loopback), side by side,
// with the p99 latency of each request. Needs `npm run build:artifacts` (it runs the executable) and
// etcd on the PATH. Prints a table and writes bench/results/dispatcher-store.json.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { startExecutable } = require('../test/support/executable-process.js');
const { startEtcdCluster } = require('../test/support/etcd-process.js');

const SECONDS = Number(process.argv[2] ?? 5);
const CONCURRENCY = 16;
const ITEMS = 3_000;
/** Enqueueing is not measured; one client avoids races on the sequence counter. */
const ENQUEUERS = 1;

async function post(url, body) {
  const started = performance.now();
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, ms: performance.now() - started };
}

const p99 = (samples) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? NaN;
};

/** Runs `step` from CONCURRENCY loops for SECONDS; resolves with the rate of successes and their p99. */
async function measure(step) {
  const latencies = [];
  const until = performance.now() + SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, loop) => {
      while (performance.now() < until) {
        const result = await step(loop);
        if (result === undefined) return;
        latencies.push(result);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { perSecond: latencies.length / seconds, p99Ms: p99(latencies), requests: latencies.length };
}

async function benchStore(store, extraArgs) {
  const host = await startExecutable({
    args: ['--role', 'dispatcher', '--node-id', `bench-${store}`, '--store', store, '--lease-duration-ms', '600000', '--max-queued-items', String(ITEMS), ...extraArgs],
    env: { PRODUCE_INTERVAL_MS: '0' },
    readyTimeoutMs: 30_000,
  });
  try {
    // Items to lease: enqueued first, not measured.
    let next = 0;
    await Promise.all(
      Array.from({ length: ENQUEUERS }, async () => {
        while (next < ITEMS) {
          const n = next++;
          await post(`${host.url}/control/work`, { resourceType: 'bench', resourceId: `item-${n}` });
        }
      }),
    );
    const held = Array.from({ length: CONCURRENCY }, () => []);
    const leases = await measure(async (loop) => {
      const answer = await post(`${host.url}/control/leases`, { workerId: `bench-worker-${loop}` });
      if (answer.status !== 200) return undefined;
      held[loop].push(answer.body);
      return answer.ms;
    });
    const heartbeats = await measure(async (loop) => {
      const grant = held[loop][Math.floor(Math.random() * held[loop].length)];
      if (grant === undefined) return undefined;
      const answer = await post(`${host.url}/control/leases/${grant.leaseId}/heartbeat`, {
        workerId: `bench-worker-${loop}`,
        sequenceId: grant.sequenceId,
        attempt: grant.attempt,
      });
      return answer.status === 200 ? answer.ms : undefined;
    });
    return { store, leases, heartbeats };
  } finally {
    await host.stop();
  }
}

const results = [await benchStore('memory', [])];
const etcd = await startEtcdCluster({ size: 1 });
try {
  results.push(await benchStore('etcd', ['--etcd-endpoints', etcd.endpoints]));
} finally {
  await etcd.stop();
}

const fmt = (n) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1));
console.log(`\n${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown'}, Node ${process.version}; ${CONCURRENCY} concurrent clients, ${SECONDS} s each`);
console.log('store    leases/s   lease p99   heartbeats/s   heartbeat p99');
for (const r of results) {
  console.log(
    `${r.store.padEnd(8)} ${fmt(r.leases.perSecond).padStart(8)}   ${`${fmt(r.leases.p99Ms)} ms`.padStart(9)}   ${fmt(r.heartbeats.perSecond).padStart(12)}   ${`${fmt(r.heartbeats.p99Ms)} ms`.padStart(13)}`,
  );
}
const out = join(dirname(fileURLToPath(import.meta.url)), 'results', 'dispatcher-store.json');
writeFileSync(out, `${JSON.stringify({ date: new Date().toISOString(), cores: cpus().length, node: process.version, concurrency: CONCURRENCY, seconds: SECONDS, results }, null, 2)}\n`);
console.log(`written to ${out}`);
