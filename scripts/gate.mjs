// npm run gate: the release gate. Every step must pass without a single warning; a failure names
// its step. Steps: typescript, eslint, alert-rules and alert-rule-tests (promtool), bundle + sea-blob + prepare-binary + postject
// + compact + size, release-files (SHA256SUMS and the SBOM), start-up, start-up on etcd (the executable's embedded etcd
// client against a real etcd).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildExecutable, EXECUTABLE, METAFILE, run, SBOM, SHA256SUMS, StepError } from './build-executable.mjs';

const require = createRequire(import.meta.url);
const { bundledPackages, validateSbom, verifySha256Sums } = require('./release-sbom.js');
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** SHA256SUMS matches the files it names (the executable and the SBOM among them); the SBOM lists exactly the bundled packages. */
function verifyReleaseFiles() {
  const sums = verifySha256Sums(dirname(SHA256SUMS), readFileSync(SHA256SUMS, 'utf8'), [basename(EXECUTABLE), basename(SBOM)]);
  if (sums.length > 0) throw new StepError('release-files', `${SHA256SUMS}:\n${sums.join('\n')}`);
  const expected = bundledPackages(JSON.parse(readFileSync(METAFILE, 'utf8')), root);
  const problems = validateSbom(JSON.parse(readFileSync(SBOM, 'utf8')), expected, { executable: EXECUTABLE });
  if (problems.length > 0) throw new StepError('release-files', `${SBOM}:\n${problems.join('\n')}`);
  return expected.length;
}
const { hasNodeModulesAbove, startExecutable, warningLines } = require('../test/support/executable-process.js');
const { startEtcdCluster } = require('../test/support/etcd-process.js');

async function startUp() {
  const host = await startExecutable();
  try {
    if (hasNodeModulesAbove(host.cwd)) throw new StepError('start-up', `${host.cwd} has a node_modules folder above it`);
    const health = await fetch(`${host.url}/omnirelay/control/lease-health`);
    const body = await health.json();
    if (health.status !== 200 || !Array.isArray(body.peers) || typeof body.summary !== 'object') {
      throw new StepError('start-up', `lease-health answered ${health.status}: ${JSON.stringify(body).slice(0, 200)}`);
    }
    const metrics = await fetch(`${host.url}/metrics`);
    const text = await metrics.text();
    if (metrics.status !== 200 || !text.includes('omnirelay_peer_lease_healthy')) {
      throw new StepError('start-up', `/metrics answered ${metrics.status} without omnirelay_peer_lease_healthy`);
    }
  } finally {
    await host.stop();
  }
  const warnings = warningLines(host.output());
  if (warnings.length > 0) throw new StepError('start-up', `the executable printed warning(s):\n${warnings.join('\n')}`);
  return host.url;
}

/** `--store etcd`: the bundled gRPC client loads its embedded protos, elects a leader and stores work in etcd. */
async function startUpOnEtcd() {
  const etcd = await startEtcdCluster({ size: 1 });
  let host;
  try {
    host = await startExecutable({
      args: ['--role', 'dispatcher', '--node-id', 'gate-1', '--store', 'etcd', '--etcd-endpoints', etcd.endpoints, '--leader-ttl-ms', '2000'],
      env: { PRODUCE_INTERVAL_MS: '0' },
    });
    const enqueued = await fetch(`${host.url}/control/work`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ resourceType: 'gate', resourceId: 'one' }),
    });
    if (enqueued.status !== 201) throw new StepError('start-up-etcd', `POST /control/work answered ${enqueued.status}: ${await enqueued.text()}`);
    let leader;
    for (const deadline = Date.now() + 10_000; leader === undefined && Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
      const leaders = await (await fetch(`${host.url}/control/leaders`)).json();
      leader = leaders.scopes.find((s) => s.scope === 'dispatch' && s.leaderId === 'gate-1');
    }
    if (leader === undefined) throw new StepError('start-up-etcd', 'the host did not become leader of the dispatch scope on etcd');
    // The item is in etcd itself, not in the process: read the items back through etcd's own JSON gateway.
    const key = Buffer.from('/omnirelay/work/items/').toString('base64');
    const rangeEnd = Buffer.from('/omnirelay/work/items0').toString('base64');
    const range = await (await fetch(`${etcd.members[0].clientUrl}/v3/kv/range`, { method: 'POST', body: JSON.stringify({ key, range_end: rangeEnd }) })).json();
    const items = (range.kvs ?? []).map((kv) => Buffer.from(kv.value, 'base64').toString());
    if (items.length !== 1 || !items[0].includes('"resourceId":"one"')) {
      throw new StepError('start-up-etcd', `etcd holds ${items.length} item(s) (${items.join(' ').slice(0, 200)}), expected the one enqueued`);
    }
  } finally {
    await host?.stop();
    await etcd.stop();
  }
  const warnings = warningLines(host.output());
  if (warnings.length > 0) throw new StepError('start-up-etcd', `the executable printed warning(s):\n${warnings.join('\n')}`);
}

const steps = [
  ['typescript', () => {
    // The dashboard's browser script: type-checked (DOM, strict), then bundled into the kit's source.
    run('typescript', 'npx', ['tsc', '-p', 'libs/peer-health/src/diagnostics/dashboard/client/tsconfig.json']);
    run('typescript', 'node', ['scripts/bundle-dashboard.mjs']);
    run('typescript', 'npx', ['tsc', '-b', 'tsconfig.build.json']);
    run('typescript', 'npx', ['tsc', '-p', 'tsconfig.json']);
  }],
  ['eslint', () => run('eslint', 'npx', ['eslint', '.', '--max-warnings', '0'])],
  // Debian's prometheus package ships promtool (.ci/run installs it when missing).
  ['alert-rules', () => run('alert-rules', 'promtool', ['check', 'rules', 'deploy/prometheus/alerts.yml'])],
  ['alert-rule-tests', () => run('alert-rule-tests', 'promtool', ['test', 'rules', 'deploy/prometheus/alerts.test.yml'])],
  ['executable', () => buildExecutable()],
  ['release-files', () => verifyReleaseFiles()],
  ['start-up', () => startUp()],
  ['start-up-etcd', () => startUpOnEtcd()],
];

for (const [name, step] of steps) {
  const started = Date.now();
  try {
    await step();
    console.log(`gate: ${name} ok (${Date.now() - started} ms)`);
  } catch (error) {
    const message = error instanceof StepError ? error.message : `${name}: ${error instanceof Error ? error.message : error}`;
    console.error(`gate: FAILED at ${message}`);
    process.exit(1);
  }
}
console.log('gate: passed');
