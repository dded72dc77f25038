// 7. heartbeats through HTTP: 10,000 workers holding 4 leases each; every request is one worker's
// POST /control/workers/:workerId/heartbeat with its own bearer token (the host's guard on), empty
// body (renew all its leases), workers in uniformly random order. Against a bare Fastify POST route
// answering 204 in the same host, alternating, with autocannon on 127.0.0.1.
import autocannon from 'autocannon';
import { startBenchHost } from './support/host-process';
import { Xoshiro128 } from './support/random';
import { alternate, record, spread, spreadFields } from './support/results';
import { workerToken } from './support/worker-tokens';

const WORKERS = 10_000;
const LEASES = 4;
const DURATION_S = 4;
const ROUNDS = 5;

const cpuMicros = async (url: string): Promise<number> => ((await (await fetch(`${url}/bench/cpu`)).json()) as { micros: number }).micros;

async function load(url: string, prefix: string): Promise<{ rps: number; cpuPerRequest: number; non2xx: number; errors: number }> {
  const random = new Xoshiro128(7);
  const cpuBefore = await cpuMicros(url);
  const result = await autocannon({
    url,
    connections: 16,
    duration: DURATION_S,
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => {
          const i = random.below(WORKERS);
          return { ...request, method: 'POST', path: `${prefix}/workers/worker-${i}/heartbeat`, headers: { authorization: `Bearer ${workerToken(i)}` } };
        },
      },
    ],
  });
  const cpuPerRequest = (await cpuMicros(url)) - cpuBefore;
  return { rps: result.requests.average, cpuPerRequest: cpuPerRequest / Math.max(1, result.requests.total), non2xx: result.non2xx, errors: result.errors };
}

async function main(): Promise<void> {
  const host = await startBenchHost(['--workers', String(WORKERS), '--leases', String(LEASES)], 'heartbeat-host.js');
  try {
    const failures: string[] = [];
    const cpu = { kit: [] as number[], bare: [] as number[] };
    const runs = await alternate(ROUNDS, {
      kit: async () => {
        const run = await load(host.url, '/control');
        if (run.non2xx > 0 || run.errors > 0) failures.push(`kit: ${run.non2xx} non-2xx, ${run.errors} errors`);
        cpu.kit.push(run.cpuPerRequest);
        return run.rps;
      },
      bare: async () => {
        const run = await load(host.url, '/bare');
        if (run.non2xx > 0 || run.errors > 0) failures.push(`bare: ${run.non2xx} non-2xx, ${run.errors} errors`);
        cpu.bare.push(run.cpuPerRequest);
        return run.rps;
      },
    });
    if (failures.length > 0) throw new Error(`requests failed: ${failures.join('; ')}`);
    const stats = (await (await fetch(`${host.url}/bench/stats`)).json()) as { leased: number; expired: number };
    if (stats.leased !== WORKERS * LEASES || stats.expired !== 0) throw new Error(`leases lost: ${JSON.stringify(stats)}`);
    const ratio = runs.kit.median / runs.bare.median;
    record({
      name: 'heartbeat-http-rps',
      peers: WORKERS,
      value: runs.kit.median,
      unit: 'req/s',
      baseline: runs.bare.median,
      ratio,
      target: '>= 0.7x of a bare Fastify POST route answering 204',
      met: ratio >= 0.7,
      note: `${LEASES} leases renewed per request: ${Math.round(runs.kit.median * LEASES).toLocaleString('en-US')} leases/s; bearer guard on (one token per worker)`,
      ...spreadFields(runs.kit, runs.bare),
    });
    // The same runs read as the host's CPU time per request: what the route costs, whatever else the machine runs.
    const kitCpu = spread(cpu.kit);
    const bareCpu = spread(cpu.bare);
    record({
      name: 'heartbeat-http-cpu-per-request',
      peers: WORKERS,
      value: kitCpu.median,
      unit: 'µs/request',
      baseline: bareCpu.median,
      ratio: bareCpu.median / kitCpu.median,
      target: '(reported; the CPU reading of the requests/s target: >= 0.7x)',
      met: null,
      note: 'host process user + system CPU time over the run / requests completed',
      ...spreadFields(kitCpu, bareCpu),
    });
  } finally {
    await host.stop();
  }
}

void main();
