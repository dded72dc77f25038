import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const REPORTER = resolve(__dirname, '../summary-reporter.js');
const JEST = require.resolve('jest/bin/jest');

interface JestRun {
  readonly code: number | null;
  readonly stdout: string;
}

/** Runs jest in a throwaway directory whose config uses only the summary reporter. */
function runJest(files: Readonly<Record<string, string>>): Promise<JestRun> {
  const dir = mkdtempSync(join(tmpdir(), 'omnirelay-reporter-'));
  writeFileSync(
    join(dir, 'jest.config.js'),
    `module.exports = ${JSON.stringify({ rootDir: dir, testMatch: ['<rootDir>/*.spec.js'], transform: {}, testEnvironment: 'node', reporters: [REPORTER] })};\n`,
  );
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return new Promise((done) => {
    execFile(process.execPath, [JEST, '--ci', '--config', join(dir, 'jest.config.js')], { cwd: dir }, (error, stdout) => {
      rmSync(dir, { recursive: true, force: true });
      done({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout });
    });
  });
}

const PASSING = "test('passes', () => { expect(1).toBe(1); });\ntest.skip('skipped', () => undefined);\n";

describe('the summary reporter', () => {
  it('counts a test file that throws while loading (ENOENT) as a failure', async () => {
    const run = await runJest({
      'passing.spec.js': PASSING,
      'broken.spec.js': "require('node:fs').readFileSync(__dirname + '/missing-fixture.json');\ntest('never runs', () => undefined);\n",
    });
    expect(run.code).toBe(1);
    const lines = run.stdout.split('\n');
    expect(lines).toContain('tests: 1 passed, 1 failed, 1 skipped');
    expect(lines.filter((line) => line.startsWith('failed to run: '))).toEqual([expect.stringMatching(/broken\.spec\.js$/)]);
  }, 60_000);

  it('counts a file whose afterAll hook fails as one failure, on top of failed tests', async () => {
    const run = await runJest({
      'hooks.spec.js': "afterAll(() => { throw new Error('cleanup failed'); });\ntest('passes', () => undefined);\n",
      'failing.spec.js': "test('fails', () => { expect(1).toBe(2); });\n",
    });
    expect(run.code).toBe(1);
    expect(run.stdout.split('\n')).toContain('tests: 1 passed, 2 failed, 0 skipped');
  }, 60_000);

  it('prints the plain counts when every file ran', async () => {
    const run = await runJest({ 'passing.spec.js': PASSING });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('tests: 1 passed, 0 failed, 1 skipped\n');
  }, 60_000);
});
