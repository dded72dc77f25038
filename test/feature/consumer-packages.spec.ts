import { execFile, execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { GOLDEN_FILE, loadGolden } from '../support/golden';
import { packKit, runConsumerApp, type ConsumerResult, type TerminusResult } from '../support/consumer-app';

const golden = loadGolden();

function expectGolden(results: readonly ConsumerResult[]): void {
  expect(results.map((r) => r.name)).toEqual(golden.scenarios.map((s) => s.name));
  for (const scenario of golden.scenarios) {
    const result = results.find((r) => r.name === scenario.name);
    expect(result?.status).toBe(200);
    expect(result?.contentType).toBe('application/json; charset=utf-8');
    expect(result?.body).toBe(JSON.stringify(scenario.expected));
  }
}

const exec = promisify(execFile);

/** The kit's indicator through Terminus's HealthCheckService: 1 of 2 peers healthy is up by default, down under minRatio 0.9. */
function expectTerminus(terminus: TerminusResult | undefined, major: number): void {
  expect(terminus?.version).toMatch(new RegExp(`^${major}\\.`));
  const details = { healthy: 1, total: 2, minHealthy: 1, minRatio: 0 };
  expect(terminus?.up).toEqual({ status: 'ok', info: { peers: { status: 'up', ...details } }, error: {}, details: { peers: { status: 'up', ...details } } });
  const down = { status: 'down', ...details, minRatio: 0.9 };
  expect(terminus?.down).toEqual({ status: 503, body: { status: 'error', info: {}, error: { peers: down }, details: { peers: down } } });
}

/** The kit's bin, run by npx from the consumer app, lists the peers of a served golden body. */
async function expectPeersCli(dir: string): Promise<void> {
  const help = await exec('npx', ['--no-install', 'omnirelay-peers', '--help'], { cwd: dir });
  expect(help.stdout).toMatch(/^Usage: omnirelay-peers /);
  const scenario = golden.scenarios.find((s) => (s.expected as { peers: unknown[] }).peers.length > 1);
  if (!scenario) throw new Error('no golden scenario with several peers');
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    response.end(JSON.stringify(scenario.expected));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/prefix`;
    const list = await exec('npx', ['--no-install', 'omnirelay-peers', 'list', '--json', '--url', url], { cwd: dir });
    const listed = (JSON.parse(list.stdout) as { peerId: string }[]).map((peer) => peer.peerId).sort();
    expect(listed).toEqual((scenario.expected as { peers: { peerId: string }[] }).peers.map((peer) => peer.peerId).sort());
  } finally {
    server.closeAllConnections();
    await new Promise<void>((done) => server.close(() => done()));
  }
}

describe('the packed kit in fresh NestJS apps', () => {
  let tarball: string;

  beforeAll(async () => {
    tarball = await packKit();
  }, 60_000);

  it('packs compiled JS, declarations, README, LICENSE and package.json, and nothing else', () => {
    const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).trim().split('\n');
    const outside = files.filter((f) => !/^package\/(dist\/.+\.(js|d\.ts)|README\.md|LICENSE|package\.json)$/.test(f));
    expect(outside).toEqual([]);
    expect(files).toEqual(expect.arrayContaining(['package/dist/index.js', 'package/dist/index.d.ts', 'package/README.md', 'package/LICENSE']));
    const manifest = JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' })) as {
      exports: Record<string, unknown>;
      bin: Record<string, string>;
      repository: { type: string; url: string; directory: string };
      homepage: string;
      bugs: { url: string };
      keywords: string[];
      peerDependencies: Record<string, string>;
      peerDependenciesMeta: Record<string, { optional?: boolean }>;
    };
    expect(manifest.exports['.']).toEqual({ types: './dist/index.d.ts', require: './dist/index.js', default: './dist/index.js' });
    expect(manifest.exports['./cli']).toEqual({ types: './dist/cli/index.d.ts', require: './dist/cli/index.js', default: './dist/cli/index.js' });
    expect(manifest.exports['./producer']).toEqual({ types: './dist/producer/index.d.ts', require: './dist/producer/index.js', default: './dist/producer/index.js' });
    expect(manifest.bin).toEqual({ 'omnirelay-peers': 'dist/cli/omnirelay-peers.js' });
    expect(manifest.repository.type).toBe('git');
    expect(manifest.repository.url).toMatch(/^git\+https:\/\/.+\.git$/);
    expect(manifest.repository.directory).toBe('libs/peer-health');
    expect(manifest.homepage).toMatch(/^https:\/\//);
    expect(manifest.bugs.url).toMatch(/^https:\/\/.+\/issues$/);
    expect(manifest.keywords).toEqual(expect.arrayContaining(['nestjs', 'health', 'lease']));
    const readme = execFileSync('tar', ['-xzOf', tarball, 'package/README.md'], { encoding: 'utf8' });
    for (const topic of ['## Install', 'forRoot', 'PeerLeaseHealthTracker', 'PeerHealthSnapshotProvider', '## Metrics', 'ManualClock', '## Documentation']) {
      expect(readme).toContain(topic);
    }
    expect(files).toEqual(expect.arrayContaining(['package/dist/cli/omnirelay-peers.js', 'package/dist/cli/index.d.ts', 'package/dist/producer/index.js', 'package/dist/producer/index.d.ts']));
    expect(manifest.peerDependencies['@nestjs/common']).toBe('^11 || ^12');
    expect(manifest.peerDependencies['@nestjs/core']).toBe('^11 || ^12');
    expect(manifest.peerDependenciesMeta['prom-client']?.optional).toBe(true);
    expect(manifest.peerDependenciesMeta['@willsoto/nestjs-prometheus']?.optional).toBe(true);
    expect(manifest.peerDependencies['@nestjs/terminus']).toBe('^11 || ^12');
    expect(manifest.peerDependenciesMeta['@nestjs/terminus']?.optional).toBe(true);
    // Swagger metadata is applied only when the host has @nestjs/swagger; the kit never needs it.
    expect(manifest.peerDependenciesMeta['@nestjs/swagger']?.optional).toBe(true);
  });

  it('NestJS 11, CommonJS, without Prometheus packages: every golden scenario byte for byte, Terminus 11, and npx omnirelay-peers', async () => {
    const { results, terminus, stderr, nestVersion, dir } = await runConsumerApp({
      format: 'commonjs',
      tarball,
      dependencies: ['@nestjs/common@^11', '@nestjs/core@^11', '@nestjs/platform-fastify@^11', '@nestjs/terminus@^11', 'reflect-metadata', 'rxjs'],
      goldenFile: GOLDEN_FILE,
      withMetrics: false,
      withTerminus: true,
    });
    expect(nestVersion).toMatch(/^11\./);
    expectGolden(results);
    expectTerminus(terminus, 11);
    expect(stderr).toBe('');
    await expectPeersCli(dir);
  }, 180_000);

  it('NestJS 12, ES modules, with Prometheus: every golden scenario byte for byte, the gauges served, and Terminus 12', async () => {
    const { results, terminus, stderr, nestVersion } = await runConsumerApp({
      format: 'module',
      tarball,
      dependencies: [
        '@nestjs/common@^12',
        '@nestjs/core@^12',
        '@nestjs/platform-fastify@^12',
        '@nestjs/terminus@^12',
        'reflect-metadata',
        'rxjs',
        'prom-client@^15',
        '@willsoto/nestjs-prometheus@^6',
      ],
      goldenFile: GOLDEN_FILE,
      withMetrics: true,
      withTerminus: true,
    });
    expect(nestVersion).toMatch(/^12\./);
    expectGolden(results);
    expectTerminus(terminus, 12);
    for (const scenario of golden.scenarios) {
      const expected = scenario.expected as { summary: { eligiblePeers: number } };
      expect(results.find((r) => r.name === scenario.name)?.healthyGauge).toBe(String(expected.summary.eligiblePeers));
    }
    expect(stderr).toBe('');
  }, 180_000);
});
