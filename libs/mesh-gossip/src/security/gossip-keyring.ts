import { createHmac, timingSafeEqual } from 'node:crypto';
import { inspect } from 'node:util';
import { GossipKeyError } from '../errors/gossip-key.error';

/** A cluster key is exactly this many bytes (HMAC-SHA256 with a full-size key). */
export const GOSSIP_KEY_BYTES = 32;
/** At most this many keys verify at once: rotation needs two, a few more is slack. */
export const GOSSIP_KEYRING_MAX = 8;
/** Bytes of an HMAC-SHA256 tag. */
const MAC_BYTES = 32;
/** Binds a tag to this protocol and version, so no other HMAC use of the key can be replayed here. */
const MAC_CONTEXT = 'omnirelay-gossip/1\n';
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;


/** Decodes one key; `label` names it in the error (e.g. "--gossip-keys entry 2"). */
export function decodeGossipKey(text: string, label: string): Buffer {
  const trimmed = text.trim();
  const standard = BASE64.test(trimmed);
  if (!standard && !BASE64URL.test(trimmed)) {
    throw new GossipKeyError(`${label} is not base64 (generate one with: openssl rand -base64 32)`);
  }
  const key = Buffer.from(trimmed, standard ? 'base64' : 'base64url');
  if (key.length !== GOSSIP_KEY_BYTES) {
    throw new GossipKeyError(
      `${label} must be base64 of ${GOSSIP_KEY_BYTES} bytes, got ${key.length} bytes (generate one with: openssl rand -base64 32)`,
    );
  }
  return key;
}

/**
 * The cluster keys: the first signs, every one verifies, so a key is rotated by adding the new one
 * second everywhere, then first everywhere, then removing the old one. Keys stay inside this object
 * (no getter hands them out, and it prints as a count) so they cannot reach a log by accident.
 */
export class GossipKeyring {
  // A true private field: util.inspect and JSON never show it.
  readonly #keys: readonly Buffer[];

  private constructor(keys: readonly Buffer[]) {
    this.#keys = keys;
  }

  /** From base64 texts, signing key first. Throws GossipKeyError naming the bad entry. */
  static fromBase64(texts: readonly string[], label = 'gossip key'): GossipKeyring {
    if (texts.length === 0) throw new GossipKeyError(`${label}: at least one key is needed`);
    if (texts.length > GOSSIP_KEYRING_MAX) throw new GossipKeyError(`${label}: at most ${GOSSIP_KEYRING_MAX} keys`);
    return new GossipKeyring(texts.map((text, i) => decodeGossipKey(text, texts.length > 1 ? `${label} ${i + 1}` : label)));
  }

  get size(): number {
    return this.#keys.length;
  }

  /** The tag of `payload` under the signing key, base64url. */
  sign(payload: string): string {
    const [signing] = this.#keys;
    if (!signing) throw new GossipKeyError('empty keyring');
    return tag(signing, payload).toString('base64url');
  }

  /**
   * True when `mac` is the tag of `payload` under any key. Every key is tried, each compared in
   * constant time, so the time taken says nothing about which key or how many bytes matched.
   */
  verify(payload: string, mac: unknown): boolean {
    if (typeof mac !== 'string' || mac.length !== 43 || !BASE64URL.test(mac)) return false;
    const given = Buffer.from(mac, 'base64url');
    if (given.length !== MAC_BYTES) return false;
    let matched = false;
    for (const key of this.#keys) {
      if (timingSafeEqual(tag(key, payload), given)) matched = true;
    }
    return matched;
  }

  toString(): string {
    return `GossipKeyring(${this.#keys.length} keys)`;
  }

  toJSON(): string {
    return this.toString();
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

function tag(key: Buffer, payload: string): Buffer {
  return createHmac('sha256', key).update(MAC_CONTEXT).update(payload, 'utf8').digest();
}
