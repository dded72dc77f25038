import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Ed25519 gossip keys for a test mesh, written as the host reads them: one private key file per
 * node (mode 0600) and one trust file listing every node's public key and role. `envelope` signs a
 * message as a node would, with an independent implementation of the documented v2 envelope
 * (docs/security.md), so a test can act as a node holding one key.
 */
export interface GossipIdentities {
  readonly folder: string;
  readonly trustFile: string;
  /** `--gossip-identity <file> --gossip-trust <file>` of `nodeId`. */
  args(nodeId: string): string[];
  /** A v2 envelope of `payload` signed with `signer`'s key, claiming `from` (the signer, unless a test forges it). */
  envelope(signer: string, payload: Record<string, unknown>, from?: string): string;
}

export function createGossipIdentities(nodes: Readonly<Record<string, string>>): GossipIdentities {
  const folder = mkdtempSync(join(tmpdir(), 'omnirelay-gossip-keys-'));
  const keys = new Map<string, KeyObject>();
  const trust: Record<string, { publicKey: string; role: string }> = {};
  for (const [nodeId, role] of Object.entries(nodes)) {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    keys.set(nodeId, privateKey);
    writeFileSync(join(folder, `${nodeId}.key`), privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    trust[nodeId] = { publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(), role };
  }
  const trustFile = join(folder, 'trust.json');
  writeFileSync(trustFile, JSON.stringify({ nodes: trust }));
  return {
    folder,
    trustFile,
    args: (nodeId) => ['--gossip-identity', join(folder, `${nodeId}.key`), '--gossip-trust', trustFile],
    envelope(signer, payload, from = signer) {
      const key = keys.get(signer);
      if (!key) throw new Error(`no key for ${signer}`);
      const text = JSON.stringify({ from, sentAt: Date.now(), nonce: randomBytes(18).toString('base64url'), ...payload });
      const sig = sign(null, Buffer.concat([Buffer.from('omnirelay-gossip/2\n'), Buffer.from(text)]), key).toString('base64url');
      return JSON.stringify({ v: 2, from, payload: text, sig });
    },
  };
}
