import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HostConfigError, parseHostConfig } from '../../dist/apps/control-plane/host-config';
import { loadGossipSigning } from '../../dist/apps/control-plane/gossip/gossip-signing';

/** --gossip-identity / --gossip-trust, read at start-up; and signed gossip required with a tokens file. */
const folder = mkdtempSync(join(tmpdir(), 'omnirelay-signing-'));
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const other = generateKeyPairSync('ed25519');
const keyFile = join(folder, 'cp-1.key');
const otherKeyFile = join(folder, 'other.key');
const trustFile = join(folder, 'trust.json');
writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
writeFileSync(otherKeyFile, other.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
writeFileSync(trustFile, JSON.stringify({ nodes: { 'cp-1': { publicKey: publicKey.export({ type: 'spki', format: 'pem' }), role: 'control-plane' } } }));

const config = (argv: string[]) => parseHostConfig(['--node-id', 'cp-1', ...argv], {}).config;
const refusal = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    if (error instanceof HostConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a HostConfigError');
};

afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('gossip signing at start-up', () => {
  it('reads a node key and a trust file that list each other', () => {
    const signing = loadGossipSigning(config(['--gossip-identity', keyFile, '--gossip-trust', trustFile]), true);
    expect(signing.identity?.trust).toContain('cp-1');
  });

  it('refuses one flag without the other, a key the trust file does not list for this node id, and a key others may read', () => {
    expect(refusal(() => config(['--gossip-identity', keyFile]))).toMatch(/go together/);
    const mismatch = refusal(() => loadGossipSigning(config(['--gossip-identity', otherKeyFile, '--gossip-trust', trustFile]), false));
    expect(mismatch).toMatch(/another public key for "cp-1"/);
    expect(mismatch).not.toContain('PRIVATE');
    const loose = join(folder, 'loose.key');
    writeFileSync(loose, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    chmodSync(loose, 0o644);
    expect(refusal(() => loadGossipSigning(config(['--gossip-identity', loose, '--gossip-trust', trustFile]), false))).toMatch(/chmod 600/);
    expect(refusal(() => loadGossipSigning(config(['--gossip-identity', join(folder, 'missing.key'), '--gossip-trust', trustFile]), false))).toMatch(/ENOENT/);
  });

  it('with a tokens file, refuses unsigned gossip; a cluster key or node keys will do', () => {
    expect(refusal(() => loadGossipSigning(config([]), true))).toMatch(/gossip must be signed/);
    expect(loadGossipSigning(config([]), false).identity).toBeUndefined();
    expect(loadGossipSigning(config(['--gossip-key', randomBytes(32).toString('base64')]), true).identity).toBeUndefined();
  });
});
