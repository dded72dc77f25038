import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const ROOT = resolve(__dirname, '../..');
const EXAMPLES = join(ROOT, 'docs/examples');
const COMPILED = join(ROOT, 'dist/docs-examples');

interface ExampleRun {
  /** Extra environment for the run. */
  readonly env?: Readonly<Record<string, string>>;
  /** What the example prints, line by line (strings exactly, patterns for lines with times). */
  readonly stdout: readonly (string | RegExp)[];
}

const wireDate = String.raw`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00`;

/** Every example of the docs with what it must print; a new example without an entry fails the suite. */
const RUNS: Readonly<Record<string, readonly ExampleRun[]>> = {
  'readme-app.ts': [
    {
      stdout: [
        new RegExp(
          String.raw`^\{"peers":\[\{"peerId":"node-1","lastHeartbeat":"${wireDate}","isHealthy":true,.*\},` +
            String.raw`\{"peerId":"node-2",.*"isHealthy":false,.*"metadata":\{"disconnect\.reason":"gossip-left"\}\}\],` +
            String.raw`"summary":\{"eligiblePeers":1,"unhealthyPeers":1,"pendingReassignments":0\}\}$`,
        ),
      ],
    },
  ],
  'usage-module.ts': [
    {
      stdout: [
        'application/json; charset=utf-8',
        new RegExp(String.raw`^\{"peers":\[\{"peerId":"worker-1","lastHeartbeat":"${wireDate}","isHealthy":true,`),
        'omnirelay_peer_lease_healthy 1',
      ],
    },
  ],
  'usage-for-root-async.ts': [
    { stdout: ['grace 30000 ms, retention 3600000 ms'] },
    // Environment variables are strings; the example must still hand the kit numbers.
    { env: { PEER_GRACE_MS: '5000', PEER_RETENTION_MS: '60000' }, stdout: ['grace 5000 ms, retention 60000 ms'] },
  ],
  'usage-gossip-agent.ts': [
    {
      stdout: [
        '{"peerId":"node-7","isHealthy":false,"metadata":{"disconnect.reason":"gossip-left","label.zone":"b","mesh.cluster":"c1",' +
          '"mesh.http3":"true","mesh.region":"eu-west","mesh.role":"worker","mesh.version":"2.4.0"}}',
      ],
    },
  ],
  'usage-leader-election.ts': [{ stdout: ['cp-1 follower', 'cp-2 leader'] }],
  'testing-app-module.ts': [{ stdout: ['after 10000 ms: healthy true', 'after 10001 ms: healthy false'] }],
  'usage-dispatcher.ts': [{ stdout: ['after expiry, lease to worker-1: refused', 'pending reassignments: 1'] }],
  'usage-transitions.ts': [{ stdout: ['worker-1: healthy -> unhealthy (disconnect)', 'worker-1: unhealthy -> healthy (heartbeat)'] }],
  'usage-without-nest.ts': [
    {
      stdout: [
        new RegExp(
          String.raw`^\{"peers":\[\{"peerId":"worker-1","lastHeartbeat":"${wireDate}","isHealthy":true,"activeAssignments":0,` +
            String.raw`"pendingReassignments":0,"activeLeases":\[\],"metadata":\{\}\}\],"summary":\{"eligiblePeers":1,"unhealthyPeers":0,"pendingReassignments":0\}\}$`,
        ),
      ],
    },
  ],
  'usage-guards.ts': [{ stdout: ['without a token: 403', 'with the token: 200'] }],
  'usage-producer-threads.ts': [
    {
      stdout: [
        'rejected in the worker: PeerHealthInputError',
        'worker-1: 1 lease, pending.count 3, mesh.role worker',
        'channel closed, 3 events applied',
      ],
    },
  ],
  'usage-peer-recorder.ts': [{ stdout: ['worker-1: 0 leases, 1 pending, pending.count 3'] }],
  'usage-own-route.ts': [{ stdout: ['/ops/peers 200', '/omnirelay/control/lease-health 404'] }],
  // As docs/usage.md promises: advance() fires the deadline it passes, listeners included, before it returns.
  // 300 intervals of 900 and 1100 ms: mean 1000, deviation 100 (= the floor); phi 8 is 5.612 deviations
  // past mean + pause, so the crossing is 1000 + 3000 + 561.2 ms after the last heartbeat, floored.
  'usage-health-policy.ts': [{ stdout: ['policy phi-accrual, last heartbeat at +300000 ms', 'worker-1: healthy -> unhealthy at +304562 ms'] }],
  'usage-manual-clock.ts': [{ stdout: ['after 5000 ms: eligible', 'w: healthy -> unhealthy at +5001 ms', 'advanced 1 ms more'] }],
  'extension-snapshot-providers.ts': [
    { stdout: ['edge-1 healthy {"edge.region":"eu-west"}', 'worker-1 healthy {"sidecar.version":"1.8.2"}', 'worker-2 unhealthy {"transport.state":"tls-handshake-failing"}'] },
  ],
};

describe('every TypeScript example of the docs compiles against the built kit and runs', () => {
  beforeAll(async () => {
    // Strict, like the kit; the examples resolve @omnirelay/peer-health to its compiled dist/.
    await exec(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(EXAMPLES, 'tsconfig.json')], { cwd: ROOT });
  }, 180_000);

  it('has an expected run for each example file', () => {
    const files = readdirSync(EXAMPLES).filter((name) => name.endsWith('.ts'));
    expect(files.sort()).toEqual(Object.keys(RUNS).sort());
  });

  for (const [file, runs] of Object.entries(RUNS)) {
    for (const run of runs) {
      const label = run.env ? ` with ${Object.keys(run.env).join(', ')} set` : '';
      it(`${file}${label}`, async () => {
        const script = join(COMPILED, file.replace(/\.ts$/, '.js'));
        const { stdout, stderr } = await exec(process.execPath, [script], {
          cwd: ROOT,
          env: { PATH: process.env.PATH ?? '', ...run.env },
          timeout: 60_000,
        });
        expect(stderr).toBe('');
        const lines = stdout.split('\n');
        expect(lines.pop()).toBe('');
        const wanted: unknown[] = run.stdout.map((expected): unknown => (typeof expected === 'string' ? expected : expect.stringMatching(expected)));
        expect(lines).toEqual(wanted);
      }, 60_000);
    }
  }
});
