import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const KIT_DIR = resolve(__dirname, '../../libs/peer-health');

/** `npm pack` of the built kit into a temporary directory; returns the tarball's path. */
export async function packKit(): Promise<string> {
  const destination = mkdtempSync(join(tmpdir(), 'omnirelay-pack-'));
  await exec('npm', ['pack', '--pack-destination', destination, '--silent'], { cwd: KIT_DIR });
  const tarball = readdirSync(destination).find((name) => name.endsWith('.tgz'));
  if (!tarball) throw new Error(`npm pack wrote no tarball to ${destination}`);
  return join(destination, tarball);
}

// ES modules may await at the top level; CommonJS runs the same loop in an async function.
const MODULE_MAIN = `for (const scenario of golden.scenarios) {
  process.stdout.write(JSON.stringify(await replay(scenario)) + '\\n');
}
if (TerminusModule) process.stdout.write(JSON.stringify({ terminus: await terminusCheck() }) + '\\n');
`;
const COMMONJS_MAIN = `(async () => {
  for (const scenario of golden.scenarios) {
    process.stdout.write(JSON.stringify(await replay(scenario)) + '\\n');
  }
  if (TerminusModule) process.stdout.write(JSON.stringify({ terminus: await terminusCheck() }) + '\\n');
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
`;

/**
 * Source of a scratch consumer app in plain JavaScript (decorators applied as functions). For each
 * golden scenario it boots a Nest app on Fastify with the packed kit, replays the events with a
 * ManualClock, fetches the endpoint over HTTP and prints one JSON line { name, body }.
 */
export function consumerSource(format: 'commonjs' | 'module', withMetrics: boolean, withTerminus = false): string {
  const terminus =
    format === 'module'
      ? withTerminus
        ? `import { HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { PeerHealthIndicator } from '@omnirelay/peer-health/terminus';`
        : 'const TerminusModule = undefined, HealthCheckService = undefined, PeerHealthIndicator = undefined;'
      : withTerminus
        ? `const { HealthCheckService, TerminusModule } = require('@nestjs/terminus');
const { PeerHealthIndicator } = require('@omnirelay/peer-health/terminus');`
        : 'const TerminusModule = undefined, HealthCheckService = undefined, PeerHealthIndicator = undefined;';
  const imports =
    format === 'module'
      ? `import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { ManualClock, PeerHealthModule, PeerLeaseHealthTracker } from '@omnirelay/peer-health';
${withMetrics ? "import { PrometheusModule } from '@willsoto/nestjs-prometheus';" : 'const PrometheusModule = undefined;'}`
      : `require('reflect-metadata');
const { readFileSync } = require('node:fs');
const { Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { FastifyAdapter } = require('@nestjs/platform-fastify');
const { ManualClock, PeerHealthModule, PeerLeaseHealthTracker } = require('@omnirelay/peer-health');
${withMetrics ? "const { PrometheusModule } = require('@willsoto/nestjs-prometheus');" : 'const PrometheusModule = undefined;'}`;
  return `${imports}
${terminus}

const golden = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const prometheus = PrometheusModule ? PrometheusModule.register({ defaultMetrics: { enabled: false } }) : undefined;

async function replay(scenario) {
  const clock = new ManualClock(golden.epochMs);
  class AppModule {}
  Module({
    imports: [
      ...(prometheus ? [prometheus] : []),
      PeerHealthModule.forRoot({ heartbeatGracePeriodMs: scenario.graceMs, clock }),
    ],
  })(AppModule);
  const app = await NestFactory.create(AppModule, new FastifyAdapter(), { logger: ['error', 'warn'] });
  await app.listen(0, '127.0.0.1');
  try {
    const tracker = app.get(PeerLeaseHealthTracker);
    for (const event of scenario.events) {
      clock.set(golden.epochMs + event.at);
      tracker[event.op](...event.args);
    }
    clock.set(golden.epochMs + scenario.queryAt);
    const base = 'http://127.0.0.1:' + app.getHttpServer().address().port;
    const response = await fetch(base + '/omnirelay/control/lease-health');
    const metrics = prometheus ? await (await fetch(base + '/metrics')).text() : '';
    return {
      name: scenario.name,
      status: response.status,
      contentType: response.headers.get('content-type'),
      body: await response.text(),
      healthyGauge: (/^omnirelay_peer_lease_healthy (\\S+)$/m.exec(metrics) || [])[1],
    };
  } finally {
    await app.close();
  }
}

/** The kit's Terminus indicator through Terminus's own HealthCheckService: up, and down with a 503's body. */
async function terminusCheck() {
  class ProbeModule {}
  Module({ imports: [TerminusModule.forRoot({ logger: false }), PeerHealthModule.forRoot()], providers: [PeerHealthIndicator] })(ProbeModule);
  const app = await NestFactory.createApplicationContext(ProbeModule, { logger: ['error', 'warn'] });
  try {
    const tracker = app.get(PeerLeaseHealthTracker);
    tracker.recordLeaseHeartbeat('worker-1');
    tracker.recordLeaseHeartbeat('worker-2');
    tracker.recordDisconnect('worker-2', 'crash');
    const health = app.get(HealthCheckService);
    const indicator = app.get(PeerHealthIndicator);
    const up = await health.check([() => indicator.isHealthy('peers')]);
    let down;
    try {
      await health.check([() => indicator.isHealthy('peers', { minRatio: 0.9 })]);
    } catch (error) {
      down = { status: error.getStatus(), body: error.getResponse() };
    }
    return { up, down };
  } finally {
    await app.close();
  }
}

${format === 'module' ? MODULE_MAIN : COMMONJS_MAIN}`;
}

/** What the consumer app's Terminus check printed. */
export interface TerminusResult {
  /** The installed @nestjs/terminus version. */
  readonly version: string;
  readonly up: unknown;
  readonly down?: { readonly status: number; readonly body: unknown };
}

export interface ConsumerResult {
  readonly name: string;
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  readonly healthyGauge?: string;
}

/** Creates a scratch app in a temporary directory, installs the tarball and its peers, and runs it; `dir` is the app. */
export async function runConsumerApp(options: {
  readonly format: 'commonjs' | 'module';
  readonly tarball: string;
  readonly dependencies: readonly string[];
  readonly goldenFile: string;
  readonly withMetrics: boolean;
  /** Install-side: add @nestjs/terminus to `dependencies`; the app then checks the kit's indicator. */
  readonly withTerminus?: boolean;
}): Promise<{ results: ConsumerResult[]; terminus: TerminusResult | undefined; stderr: string; nestVersion: string; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), `omnirelay-consumer-${options.format}-`));
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'scratch-consumer', version: '1.0.0', private: true, type: options.format }, null, 2),
  );
  await exec('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', options.tarball, ...options.dependencies], {
    cwd: dir,
    maxBuffer: 16 * 1024 * 1024,
  });
  const entry = join(dir, options.format === 'module' ? 'app.mjs' : 'app.cjs');
  writeFileSync(entry, consumerSource(options.format, options.withMetrics, options.withTerminus ?? false));
  const { stdout, stderr } = await exec(process.execPath, [entry, options.goldenFile], { cwd: dir, maxBuffer: 16 * 1024 * 1024 });
  const lines = stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as ConsumerResult | { terminus: Omit<TerminusResult, 'version'> });
  const results = lines.filter((line): line is ConsumerResult => !('terminus' in line));
  const printed = lines.find((line): line is { terminus: Omit<TerminusResult, 'version'> } => 'terminus' in line)?.terminus;
  const terminus = printed && {
    ...printed,
    version: (JSON.parse(readFileSync(join(dir, 'node_modules/@nestjs/terminus/package.json'), 'utf8')) as { version: string }).version,
  };
  const nest = JSON.parse(readFileSync(join(dir, 'node_modules/@nestjs/core/package.json'), 'utf8')) as { version: string };
  return { results, terminus, stderr, nestVersion: nest.version, dir };
}
