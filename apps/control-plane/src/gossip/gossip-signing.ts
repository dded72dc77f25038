import { readFileSync, statSync } from 'node:fs';
import { GossipIdentity, GossipIdentityError, GossipTrustStore } from '@omnirelay/mesh-gossip';
import { HostConfigError, type HostConfig } from '../host-config';
import { systemErrorCode } from '../security/error-code';

/** This node's gossip key and the mesh's trust file, read once at start (PEM and JSON texts). */
export interface GossipSigning {
  readonly identity: { readonly privateKey: string; readonly trust: string } | undefined;
}

export const UNSIGNED_GOSSIP: GossipSigning = { identity: undefined };

const MAX_KEY_FILE_BYTES = 16 * 1024;
const MAX_TRUST_FILE_BYTES = 16 * 1024 * 1024;

function readText(path: string, flag: string, maxBytes: number): string {
  try {
    const bytes = readFileSync(path);
    if (bytes.length > maxBytes) throw new HostConfigError(`${flag}: ${path} is larger than ${maxBytes} bytes`);
    return bytes.toString('utf8');
  } catch (error) {
    if (error instanceof HostConfigError) throw error;
    throw new HostConfigError(`${flag}: cannot read ${path} (${systemErrorCode(error)})`);
  }
}

/**
 * Reads --gossip-identity and --gossip-trust and checks that they belong together (the trust file
 * lists this node id with this key's public key). With bearer tokens required (a tokens file), gossip
 * must be signed: it carries no token, so its envelope is its only credential. Every problem is a
 * HostConfigError (exit 64) whose message never contains a key.
 */
export function loadGossipSigning(config: HostConfig, tokensRequired: boolean): GossipSigning {
  const signedByKey = config.gossipKey !== undefined || config.gossipKeys.length > 0;
  if (config.gossipIdentity === undefined || config.gossipTrust === undefined) {
    if (tokensRequired && !signedByKey) {
      throw new HostConfigError(
        'with --auth-tokens-file, gossip must be signed: it carries no bearer token. Give --gossip-identity and --gossip-trust (node keys), or --gossip-key (a cluster key); see docs/security.md',
      );
    }
    return UNSIGNED_GOSSIP;
  }
  const mode = statSync(config.gossipIdentity, { throwIfNoEntry: false })?.mode ?? 0;
  // Like an SSH key: a node key others can read is a key others can sign with.
  if ((mode & 0o077) !== 0) {
    throw new HostConfigError(`--gossip-identity: ${config.gossipIdentity} is readable or writable by group or others (chmod 600 it)`);
  }
  const privateKey = readText(config.gossipIdentity, '--gossip-identity', MAX_KEY_FILE_BYTES);
  const trust = readText(config.gossipTrust, '--gossip-trust', MAX_TRUST_FILE_BYTES);
  try {
    GossipIdentity.fromPem(config.nodeId, privateKey, GossipTrustStore.parse(trust));
  } catch (error) {
    if (error instanceof GossipIdentityError) throw new HostConfigError(`--gossip-identity / --gossip-trust: ${error.message}`);
    throw error;
  }
  return { identity: { privateKey, trust } };
}
