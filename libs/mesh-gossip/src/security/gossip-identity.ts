import { createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';
import { inspect } from 'node:util';
import { GossipIdentityError } from '../errors/gossip-identity.error';
import type { GossipTrustStore } from './gossip-trust';

/**
 * This node's gossip identity: its node id and its own Ed25519 private key, with the trust store
 * (every node's public key) it verifies others with. The private key stays inside this object (no
 * getter hands it out; it prints as the node id) so it cannot reach a log by accident.
 */
export class GossipIdentity {
  readonly #key: KeyObject;

  private constructor(
    readonly nodeId: string,
    key: KeyObject,
    readonly trust: GossipTrustStore,
  ) {
    this.#key = key;
  }

  /**
   * From a PEM private key (`openssl genpkey -algorithm ed25519`). Throws GossipIdentityError when
   * the key is not Ed25519 or when the trust store does not list its public key for `nodeId`.
   */
  static fromPem(nodeId: string, pem: string, trust: GossipTrustStore): GossipIdentity {
    let key: KeyObject;
    try {
      key = createPrivateKey(pem);
    } catch {
      throw new GossipIdentityError('the node key is not a PEM private key (openssl genpkey -algorithm ed25519 -out node.key)');
    }
    if (key.asymmetricKeyType !== 'ed25519') throw new GossipIdentityError(`the node key must be Ed25519, got ${String(key.asymmetricKeyType)}`);
    if (!trust.has(nodeId)) throw new GossipIdentityError(`the trust file does not list this node id ("${nodeId}")`);
    if (!trust.matches(nodeId, createPublicKey(key))) {
      throw new GossipIdentityError(`the trust file lists another public key for "${nodeId}" than the one of this node key`);
    }
    return new GossipIdentity(nodeId, key, trust);
  }

  /** This node's 64-byte Ed25519 signature of `data`. */
  sign(data: Buffer): Buffer {
    return sign(null, data, this.#key);
  }

  toString(): string {
    return `GossipIdentity(${this.nodeId})`;
  }

  toJSON(): string {
    return this.toString();
  }

  [inspect.custom](): string {
    return this.toString();
  }
}
