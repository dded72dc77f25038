import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { inspect } from 'node:util';
import { GOSSIP_LIMITS } from '../mesh-gossip.limits';
import { GossipIdentityError } from '../errors/gossip-identity.error';

/** Node ids a trust file may list at most. */
export const GOSSIP_TRUST_MAX_NODES = 65_536;

interface TrustedNode {
  readonly key: KeyObject;
  /** When set, the node may only announce itself with this role. */
  readonly role: string | undefined;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function publicKeyOf(text: unknown, label: string): KeyObject {
  if (typeof text !== 'string' || text.length > 4096) throw new GossipIdentityError(`${label}: publicKey must be a PEM text (openssl pkey -in node.key -pubout)`);
  let key: KeyObject;
  try {
    key = createPublicKey(text);
  } catch {
    throw new GossipIdentityError(`${label}: publicKey is not a PEM public key`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new GossipIdentityError(`${label}: publicKey must be an Ed25519 key, got ${String(key.asymmetricKeyType)}`);
  return key;
}

/**
 * The public keys of the mesh, one per node id (and optionally the role each node may announce):
 * every node holds the same list, and only its own private key. A receiver verifying a message
 * with a node's public key learns nothing that lets it sign as that node.
 */
export class GossipTrustStore {
  readonly #nodes: ReadonlyMap<string, TrustedNode>;

  private constructor(nodes: ReadonlyMap<string, TrustedNode>) {
    this.#nodes = nodes;
  }

  /**
   * From the trust file's JSON text: `{ "nodes": { "<nodeId>": { "publicKey": "<PEM>", "role"?: "<role>" } } }`
   * (or `"<nodeId>": "<PEM>"`). Throws GossipIdentityError naming the bad entry.
   */
  static parse(text: string): GossipTrustStore {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
    } catch {
      throw new GossipIdentityError('the trust file is not JSON');
    }
    const nodes = isObject(parsed) ? parsed['nodes'] : undefined;
    if (!isObject(nodes)) throw new GossipIdentityError('the trust file needs "nodes": { "<nodeId>": { "publicKey": "<PEM>" } }');
    const ids = Object.keys(nodes);
    if (ids.length === 0) throw new GossipIdentityError('the trust file lists no node');
    if (ids.length > GOSSIP_TRUST_MAX_NODES) throw new GossipIdentityError(`the trust file lists more than ${GOSSIP_TRUST_MAX_NODES} nodes`);
    const table = new Map<string, TrustedNode>();
    for (const nodeId of ids) {
      const label = `node "${nodeId.slice(0, 64)}"`;
      if (nodeId.trim() === '' || nodeId.length > GOSSIP_LIMITS.idLength || /\p{Cc}/u.test(nodeId)) throw new GossipIdentityError(`${label}: not a node id`);
      const value = nodes[nodeId];
      const fields = isObject(value) ? value : { publicKey: value };
      const role = fields['role'];
      if (role !== undefined && (typeof role !== 'string' || role.trim() === '' || role.length > GOSSIP_LIMITS.textLength)) {
        throw new GossipIdentityError(`${label}: role must be a non-blank text`);
      }
      table.set(nodeId, { key: publicKeyOf(fields['publicKey'], label), role });
    }
    return new GossipTrustStore(table);
  }

  get size(): number {
    return this.#nodes.size;
  }

  has(nodeId: string): boolean {
    return this.#nodes.has(nodeId);
  }

  /** The role `nodeId` is bound to, if the trust file binds one. */
  roleOf(nodeId: string): string | undefined {
    return this.#nodes.get(nodeId)?.role;
  }

  /** True when `signature` is `nodeId`'s Ed25519 signature of `data`; false for an unknown node id. */
  verify(nodeId: string, data: Buffer, signature: Buffer): boolean {
    const node = this.#nodes.get(nodeId);
    if (!node || signature.length !== 64) return false;
    try {
      return verify(null, data, node.key, signature);
    } catch {
      return false;
    }
  }

  /** True when `key` is the public key listed for `nodeId`. */
  matches(nodeId: string, key: KeyObject): boolean {
    const node = this.#nodes.get(nodeId);
    return node !== undefined && node.key.equals(key);
  }

  toString(): string {
    return `GossipTrustStore(${this.#nodes.size} nodes)`;
  }

  toJSON(): string {
    return this.toString();
  }

  [inspect.custom](): string {
    return this.toString();
  }
}
