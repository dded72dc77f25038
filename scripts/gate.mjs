// npm run gate: the release gate. Every step must pass without a single warning; a failure names
// its step. Steps: typescript, eslint, alert-rules (promtool), bundle + sea-blob + prepare-binary + postject, start-up.
import { createRequire } from 'node:module';
import { buildExecutable, run, StepError } from './build-executable.mjs';

const require = createRequire(import.meta.url);
const { hasNodeModulesAbove, startExecutable, warningLines } = require('../test/support/executable-process.js');

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

const steps = [
  ['typescript', () => {
    run('typescript', 'npx', ['tsc', '-b', 'tsconfig.build.json']);
    run('typescript', 'npx', ['tsc', '-p', 'tsconfig.json']);
  }],
  ['eslint', () => run('eslint', 'npx', ['eslint', '.', '--max-warnings', '0'])],
  // Debian's prometheus package ships promtool (.ci/run installs it when missing).
  ['alert-rules', () => run('alert-rules', 'promtool', ['check', 'rules', 'deploy/prometheus/alerts.yml'])],
  ['executable', () => buildExecutable()],
  ['start-up', () => startUp()],
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
