import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { executablePath, startExecutable } from '../../support/executable-process';
import { exchange, figures, SIGNED_GOSSIP_ENV } from '../../support/attack-replay';

/**
 * Attack 9 of issue 17: tokens files an attacker could exploit or an operator gets wrong, given to
 * the single executable. Each is refused at start (exit 64, a reason that names no token) or
 * accepted as the operator meant it.
 */

const exec = promisify(execFile);
const ADMIN = 'attack-replay-admin-token-1b9d4e7a2c5f8036';
const folder = mkdtempSync(join(tmpdir(), 'omnirelay-attack-tokens-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function file(name: string, text: string, mode: number): string {
  const path = join(folder, name);
  writeFileSync(path, text);
  chmodSync(path, mode);
  return path;
}

async function startWith(path: string): Promise<{ code: number | null; stderr: string }> {
  const failure = (await exec(executablePath(), ['--auth-tokens-file', path, '--port', '0'], { timeout: 20_000 }).catch((error: unknown) => error)) as {
    code?: number | null;
    stderr?: string;
  };
  return { code: failure.code ?? null, stderr: failure.stderr ?? '' };
}

const good = JSON.stringify({ tokens: [{ token: ADMIN, role: 'admin' }] });

describe('attack 9: the tokens file', () => {
  it.each([
    ['world-writable (0666)', good, 0o666, /writable by others \(mode 666\).*chmod 600/],
    ['group-writable (0660)', good, 0o660, /writable by its group \(mode 660\)/],
    ['an admin token of sixteen a characters', JSON.stringify({ tokens: [{ token: 'a'.repeat(16), role: 'admin' }] }), 0o600, /tokens\[0\]\.token must be a string of 32/],
    ['an admin token of forty a characters', JSON.stringify({ tokens: [{ token: 'a'.repeat(40), role: 'admin' }] }), 0o600, /one character repeated/],
    [
      'a repeated "tokens" key',
      `{"tokens":[{"token":"${ADMIN}","role":"reader"}],"tokens":[{"token":"${ADMIN}-x","role":"admin"}]}`,
      0o600,
      /"tokens" appears twice/,
    ],
  ])('refuses %s: exit 64 with the reason, never the token', async (what, text, mode, reason) => {
    const result = await startWith(file(`${what.replace(/\W+/g, '-')}.json`, text, mode));
    figures(`tokens file ${what}`, { exitCode: String(result.code) });
    expect(result.code).toBe(64);
    expect(result.stderr).toMatch(reason);
    expect(result.stderr).not.toContain(ADMIN);
    expect(result.stderr).not.toContain('a'.repeat(16));
  }, 30_000);

  it('starts with a file readable by others, and says so on its log', async () => {
    const host = await startExecutable({
      args: ['--auth-tokens-file', file('readable.json', good, 0o644)],
      env: SIGNED_GOSSIP_ENV,
      ready: async (url) => (await exchange(`${url}/control/peers`, { headers: { authorization: `Bearer ${ADMIN}` } })).status === 200,
    });
    try {
      expect(host.output()).toMatch(/readable by others \(mode 644\).*chmod 600/);
      expect(host.output()).not.toContain(ADMIN);
    } finally {
      await host.stop();
    }
  }, 30_000);

  it('starts with a file that begins with a UTF-8 byte-order mark (as some editors save it)', async () => {
    const host = await startExecutable({
      args: ['--auth-tokens-file', file('bom.json', `\uFEFF${good}`, 0o600)],
      env: SIGNED_GOSSIP_ENV,
      ready: async (url) => (await exchange(`${url}/control/peers`, { headers: { authorization: `Bearer ${ADMIN}` } })).status === 200,
    });
    try {
      expect((await exchange(`${host.url}/control/peers`)).status).toBe(401);
      expect(host.output()).not.toMatch(/readable by/);
    } finally {
      await host.stop();
    }
  }, 30_000);
});
