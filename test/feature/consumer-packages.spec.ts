import { execFileSync } from 'node:child_process';
import { GOLDEN_FILE, loadGolden } from '../support/golden';
import { packKit, runConsumerApp, type ConsumerResult } from '../support/consumer-app';

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
      peerDependencies: Record<string, string>;
      peerDependenciesMeta: Record<string, { optional?: boolean }>;
    };
    expect(manifest.exports['.']).toEqual({ types: './dist/index.d.ts', require: './dist/index.js', default: './dist/index.js' });
    expect(manifest.peerDependencies['@nestjs/common']).toBe('^11 || ^12');
    expect(manifest.peerDependencies['@nestjs/core']).toBe('^11 || ^12');
    expect(manifest.peerDependenciesMeta['prom-client']?.optional).toBe(true);
    expect(manifest.peerDependenciesMeta['@willsoto/nestjs-prometheus']?.optional).toBe(true);
  });

  it('NestJS 11, CommonJS, without Prometheus packages: every golden scenario byte for byte', async () => {
    const { results, stderr, nestVersion } = await runConsumerApp({
      format: 'commonjs',
      tarball,
      dependencies: ['@nestjs/common@^11', '@nestjs/core@^11', '@nestjs/platform-fastify@^11', 'reflect-metadata', 'rxjs'],
      goldenFile: GOLDEN_FILE,
      withMetrics: false,
    });
    expect(nestVersion).toMatch(/^11\./);
    expectGolden(results);
    expect(stderr).toBe('');
  }, 180_000);

  it('NestJS 12, ES modules, with Prometheus: every golden scenario byte for byte and the gauges served', async () => {
    const { results, stderr, nestVersion } = await runConsumerApp({
      format: 'module',
      tarball,
      dependencies: [
        '@nestjs/common@^12',
        '@nestjs/core@^12',
        '@nestjs/platform-fastify@^12',
        'reflect-metadata',
        'rxjs',
        'prom-client@^15',
        '@willsoto/nestjs-prometheus@^6',
      ],
      goldenFile: GOLDEN_FILE,
      withMetrics: true,
    });
    expect(nestVersion).toMatch(/^12\./);
    expectGolden(results);
    for (const scenario of golden.scenarios) {
      const expected = scenario.expected as { summary: { eligiblePeers: number } };
      expect(results.find((r) => r.name === scenario.name)?.healthyGauge).toBe(String(expected.summary.eligiblePeers));
    }
    expect(stderr).toBe('');
  }, 180_000);
});
