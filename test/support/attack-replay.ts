import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { request, type IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';

/**
 * Helpers of the attack-replay tier (test/feature/attack-replay): a tokens file only its owner can
 * read, a process's resident memory, and /health/live latencies measured the way a probe sees them
 * (a new connection per request).
 */

/** A host with a tokens file must sign its gossip (else exit 64): a cluster key for hosts these specs start. */
export const SIGNED_GOSSIP_ENV: Readonly<Record<string, string>> = { OMNIRELAY_GOSSIP_KEY: randomBytes(32).toString('base64') };

/** Writes `{"tokens":[...]}` to `dir/name` with mode 0600 and returns its path. */
export function writeTokensFile(dir: string, tokens: ReadonlyArray<{ token: string; role: string; subject?: string }>, name = 'tokens.json'): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify({ tokens }), { mode: 0o600 });
  return path;
}

/** Resident memory of process `pid` in MB (Linux /proc), NaN where it cannot be read. */
export function rssMb(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Math.round(Number(match[1]) / 1024) : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** What one plain HTTP request got: its status, or 0 when the connection failed or was reset. */
export interface Exchange {
  readonly status: number;
  readonly ms: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly error?: string;
}

/** One request on a new connection (no keep-alive agent), bounded by `timeoutMs`. */
export function exchange(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: Buffer | string; timeoutMs?: number; localAddress?: string } = {},
): Promise<Exchange> {
  const started = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    const settle = (value: Omit<Exchange, 'ms'>): void => {
      if (settled) return;
      settled = true;
      resolve({ ...value, ms: performance.now() - started });
    };
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers, agent: false, localAddress: options.localAddress }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => settle({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', (error) => settle({ status: response.statusCode ?? 0, headers: response.headers, body: '', error: error.message }));
    });
    req.setTimeout(options.timeoutMs ?? 5000, () => req.destroy(new Error('timeout')));
    req.on('error', (error) => settle({ status: 0, headers: {}, body: '', error: error.message }));
    req.end(options.body);
  });
}

/** The q-quantile (0..1) of `values`, NaN when empty. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
}

/** What a prober in its own process measured of `/health/live`. */
export interface LivenessProbes {
  readonly statuses: number[];
  readonly ms: number[];
}

/** The prober's script: one request per new connection every `interval` ms until stdin closes, then the results as JSON. */
const PROBER = `
const http = require('node:http');
const [url, interval] = [process.argv[1], Number(process.argv[2])];
const statuses = [], ms = [];
let running = true;
process.stdin.on('end', () => (running = false));
process.stdin.resume();
const once = () => new Promise((resolve) => {
  const started = performance.now();
  const req = http.get(url, { agent: false }, (res) => { res.resume(); res.on('end', () => resolve([res.statusCode, performance.now() - started])); });
  req.setTimeout(5000, () => req.destroy(new Error('timeout')));
  req.on('error', () => resolve([0, performance.now() - started]));
});
(async () => {
  while (running) {
    const [status, took] = await once();
    statuses.push(status); ms.push(took);
    await new Promise((r) => setTimeout(r, interval));
  }
  process.stdout.write(JSON.stringify({ statuses, ms }));
})();
`;

/**
 * Probes `/health/live` every `intervalMs` from a separate Node process (so the attack's own work in
 * the test process does not distort the figures) until `stop()`.
 */
export function probeLiveness(baseUrl: string, intervalMs = 20): { stop: () => Promise<LivenessProbes> } {
  const child = spawn(process.execPath, ['-e', PROBER, `${baseUrl}/health/live`, String(intervalMs)], { stdio: ['pipe', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    stop: async () => {
      child.stdin.end();
      await exited;
      return JSON.parse(output) as LivenessProbes;
    },
  };
}

/** /health/live p99 (ms) with nothing else going on, over `durationMs`: the figure the attack's p99 compares with on this machine. */
export async function idleLivenessP99(baseUrl: string, durationMs = 3000): Promise<number> {
  const probe = probeLiveness(baseUrl);
  await new Promise((resolve) => setTimeout(resolve, durationMs));
  return quantile((await probe.stop()).ms, 0.99);
}

/** One line of figures for the log: what a replay measured (machine load varies; bounds are asserted, not these). */
export function figures(attack: string, values: Record<string, number | string>): void {
  console.log(`[attack-replay] ${attack}: ${Object.entries(values).map(([k, v]) => `${k}=${typeof v === 'number' ? Math.round(v * 10) / 10 : v}`).join(' ')}`);
}
