import { randomBytes } from 'node:crypto';
import { GossipMessageError } from './errors/gossip-message.error';
import { compactTuple, parseGossipMessage } from './gossip-message';
import { GossipRefusal } from './errors/gossip-refusal.error';
import type { GossipCompactEntry, GossipDigestEntry, GossipMessage, GossipProbeResult } from './interfaces/gossip-member.interface';
import { GOSSIP_LIMITS } from './mesh-gossip.limits';
import type { GossipIdentity } from './security/gossip-identity';
import type { GossipKeyring } from './security/gossip-keyring';
import type { GossipReplayGuard } from './security/gossip-replay-guard';

/** Envelope versions: 1 `{ v, payload, mac }` under a cluster key, 2 `{ v, from, payload, sig }` under the sender's node key. */
export type GossipEnvelope = 0 | 1 | 2;
/** Bytes of `{"v":1,"payload":"","mac":"<43 chars>"}` around the escaped payload. */
const MAC_ENVELOPE_OVERHEAD = 96;
/** Bytes of `{"v":2,"from":,"payload":"","sig":"<86 chars>"}` around the escaped payload and the JSON of `from`. */
const SIG_ENVELOPE_OVERHEAD = 128;
/** Binds a node signature to this protocol and version. */
const SIG_CONTEXT = 'omnirelay-gossip/2\n';
const SIGNATURE = /^[A-Za-z0-9_-]{86}$/;

/** The bytes a node signs: the context, then the payload's UTF-8 bytes. */
export function signedBytes(payload: string): Buffer {
  return Buffer.concat([Buffer.from(SIG_CONTEXT, 'utf8'), Buffer.from(payload, 'utf8')]);
}

/** A message ready to send, and how many of the entries (and of the digest) it carries (prefixes of them). */
export interface WrittenMessage {
  readonly body: string;
  readonly nonce: string;
  readonly carried: number;
  readonly digestCarried: number;
  /** The whole digest went (false: it was cut to fit, the rest goes on the next pages). */
  readonly digestAll: boolean;
}

/**
 * What a message carries: full entries (the sender's own first); in format 2 also a compact digest
 * and the ids the sender wants full entries for. Without `digest` the message is format 1.
 */
export interface MessageContent {
  readonly entries: Iterable<GossipDigestEntry>;
  readonly digest?: Iterable<GossipCompactEntry>;
  /** Digest entries this message carries at most (default: as many as fit). */
  readonly digestLimit?: number;
  readonly want?: readonly string[];
}

/** A message read: the message, how many entries were dropped as malformed, and the envelope it came in. */
export interface ReadMessage {
  readonly message: GossipMessage;
  readonly dropped: number;
  readonly envelope: GossipEnvelope;
}

export interface MessageHead {
  readonly from: string;
  readonly replyTo?: string;
  /** A request asking the receiver to contact this member (SWIM ping-req). */
  readonly probe?: string;
  /** The answer to a probe request. */
  readonly probeResult?: GossipProbeResult;
  /** A request pushing news: answered with the receiver's own entry only. */
  readonly news?: true;
}

type Fields = Record<string, unknown>;
const isObject = (value: unknown): value is Fields => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Bytes a JSON text takes once embedded as a JSON string: quotes and backslashes gain a backslash. */
function escapedBytes(json: string): number {
  let extra = 0;
  for (let i = 0; i < json.length; i++) {
    const code = json.charCodeAt(i);
    if (code === 34 || code === 92) extra++;
  }
  return Buffer.byteLength(json) + extra;
}

export function newNonce(): string {
  return randomBytes(18).toString('base64url');
}

/**
 * Writes and reads gossip messages. With a node identity, a message is the envelope
 * `{ v: 2, from, payload, sig: base64url(Ed25519(node key, context + payload)) }`, verified with the
 * public key the trust store lists for `from`, whose payload must name the same `from`: a message
 * speaks only for its signer. With a cluster keyring, it is
 * `{ v: 1, payload, mac: base64url(HMAC-SHA256(key, context + payload)) }` (any key holder can sign
 * for any node id). Either signature covers the exact bytes that are parsed, and the payload carries
 * `sentAt` and a `nonce` for the replay window. With both, a node signs v2 and reads both (the
 * migration from a cluster key), answering a request in the envelope it came in. With neither (the
 * loopback demo), the message itself is the body, unsigned.
 */
export class GossipCodec {
  constructor(
    private readonly keyring: GossipKeyring | undefined,
    private readonly replay: GossipReplayGuard,
    private readonly identity?: GossipIdentity,
  ) {}

  get signed(): boolean {
    return this.keyring !== undefined || this.identity !== undefined;
  }

  /** The envelope this node writes its own requests in. */
  get envelope(): GossipEnvelope {
    if (this.identity) return 2;
    return this.keyring ? 1 : 0;
  }

  /**
   * The head and as many of the content's entries as fit in `budgetBytes` and `maxEntries` (the
   * first entry, the sender's own, always goes). A format 2 digest takes what the full entries leave
   * (they keep GOSSIP_LIMITS.sendEntryBytes, or a third of a smaller budget).
   */
  write(
    head: MessageHead,
    content: MessageContent,
    now: number,
    budgetBytes: number = GOSSIP_LIMITS.sendBytes,
    maxEntries: number = GOSSIP_LIMITS.sendMembers,
    envelope: GossipEnvelope = this.envelope,
  ): WrittenMessage {
    const nonce = newNonce();
    const prefix = JSON.stringify({
      from: head.from,
      sentAt: now,
      nonce,
      ...(head.replyTo ? { replyTo: head.replyTo } : {}),
      ...(head.probe === undefined ? {} : { probe: head.probe }),
      ...(head.probeResult === undefined ? {} : { probeResult: head.probeResult }),
      ...(head.news ? { news: true } : {}),
      ...(content.want && content.want.length > 0 ? { want: content.want } : {}),
    }).slice(0, -1);
    const size = (json: string): number => (envelope === 0 ? Buffer.byteLength(json) : escapedBytes(json));
    const overhead = envelope === 2 ? SIG_ENVELOPE_OVERHEAD + escapedBytes(JSON.stringify(head.from)) : envelope === 1 ? MAC_ENVELOPE_OVERHEAD : 0;
    let used = size(prefix) + size(',"members":[]}') + overhead;
    let digestPart = '';
    let digestCarried = 0;
    let digestAll = true;
    if (content.digest) {
      used += size(',"digest":[]');
      const reserve = Math.min(GOSSIP_LIMITS.sendEntryBytes, Math.floor(budgetBytes / 3));
      const tuples: string[] = [];
      const limit = content.digestLimit ?? Number.MAX_SAFE_INTEGER;
      for (const entry of content.digest) {
        if (tuples.length >= limit) {
          digestAll = false;
          break;
        }
        const json = JSON.stringify(compactTuple(entry));
        const cost = size(json) + 1;
        if (used + cost > budgetBytes - reserve) {
          digestAll = false;
          break;
        }
        tuples.push(json);
        used += cost;
      }
      digestPart = `,"digest":[${tuples.join(',')}]`;
      digestCarried = tuples.length;
    }
    const parts: string[] = [];
    for (const entry of content.entries) {
      if (parts.length >= maxEntries) break;
      const json = JSON.stringify(entry);
      const cost = size(json) + 1;
      if (parts.length > 0 && used + cost > budgetBytes) break;
      parts.push(json);
      used += cost;
    }
    const payload = `${prefix}${digestPart},"members":[${parts.join(',')}]}`;
    return { body: this.seal(head.from, payload, envelope), nonce, carried: parts.length, digestCarried, digestAll };
  }

  private seal(from: string, payload: string, envelope: GossipEnvelope): string {
    if (envelope === 2 && this.identity) {
      return JSON.stringify({ v: 2, from, payload, sig: this.identity.sign(signedBytes(payload)).toString('base64url') });
    }
    if (envelope !== 0 && this.keyring) return JSON.stringify({ v: 1, payload, mac: this.keyring.sign(payload) });
    return payload;
  }

  /** Reads a request from another node; throws GossipRefusal (400, 401 or 413). */
  readRequest(body: unknown, now: number): ReadMessage {
    const parsed = this.read(body);
    const { message } = parsed;
    if (message.probeResult !== undefined) throw new GossipRefusal(400, 'malformed', 'a gossip request does not carry probeResult');
    if (message.news && message.probe !== undefined) throw new GossipRefusal(400, 'malformed', 'a news push is not a probe request');
    if (!this.signed) return parsed;
    if (message.replyTo !== undefined) throw new GossipRefusal(400, 'malformed', 'a gossip request does not carry replyTo');
    const verdict = this.replay.check(message.sentAt ?? 0, message.nonce ?? '', now);
    if (verdict === 'outside-window') {
      throw new GossipRefusal(401, 'replayed', `gossip message sent outside the replay window of ±${this.replay.windowMs} ms`);
    }
    if (verdict === 'seen') throw new GossipRefusal(401, 'replayed', 'gossip message already received (nonce seen)');
    return parsed;
  }

  /**
   * Reads the answer to the request whose nonce was `requestNonce`; with `expectedFrom`, only an
   * answer from that node is accepted (the member this node meant to contact). Throws GossipRefusal.
   */
  readReply(body: unknown, requestNonce: string, now: number, expectedFrom?: string): ReadMessage {
    const parsed = this.read(body);
    if (expectedFrom !== undefined && parsed.message.from !== expectedFrom) {
      throw new GossipRefusal(401, 'unauthenticated', 'gossip answer comes from another node than the member contacted');
    }
    if (!this.signed) return parsed;
    const { sentAt = 0, replyTo } = parsed.message;
    if (replyTo !== requestNonce) throw new GossipRefusal(401, 'replayed', 'gossip answer does not answer this request');
    if (Math.abs(now - sentAt) > this.replay.windowMs) throw new GossipRefusal(401, 'replayed', 'gossip answer sent outside the replay window');
    return parsed;
  }

  private read(body: unknown): ReadMessage {
    if (!this.signed) return { ...this.parse(body), envelope: 0 };
    if (!isObject(body) || body['payload'] === undefined || (body['mac'] === undefined && body['sig'] === undefined)) {
      throw new GossipRefusal(401, 'unauthenticated', `gossip message is not signed: this node needs ${this.identity ? '{ v: 2, from, payload, sig } signed with the sender\'s node key' : '{ v, payload, mac } signed with the cluster gossip key'}`);
    }
    const { v, payload } = body;
    if ((v !== 1 && v !== 2) || typeof payload !== 'string') throw new GossipRefusal(400, 'malformed', 'gossip envelope needs v: 1 or 2 and a string payload');
    if (payload.length > GOSSIP_LIMITS.messageBytes) {
      throw new GossipRefusal(413, 'too-large', `gossip payload is longer than ${GOSSIP_LIMITS.messageBytes} bytes`);
    }
    let signer: string | undefined;
    if (v === 2) signer = this.verifySignature(body, payload);
    else if (!this.keyring) throw new GossipRefusal(401, 'unauthenticated', 'this node takes only messages signed with a node key ({ v: 2 })');
    else if (!this.keyring.verify(payload, body['mac'])) throw new GossipRefusal(401, 'unauthenticated', 'gossip message MAC does not verify with any cluster key');
    let content: unknown;
    try {
      content = JSON.parse(payload);
    } catch {
      throw new GossipRefusal(400, 'malformed', 'gossip payload is not JSON');
    }
    if (!isObject(content) || content['sentAt'] === undefined || content['nonce'] === undefined) {
      throw new GossipRefusal(400, 'malformed', "a signed gossip payload needs 'sentAt' and 'nonce'");
    }
    const parsed = this.parse(content);
    // The signer speaks for itself only: a payload naming another node is refused, whoever signed it.
    if (signer !== undefined && parsed.message.from !== signer) {
      throw new GossipRefusal(401, 'unauthenticated', "gossip payload 'from' is not the node that signed it");
    }
    return { ...parsed, envelope: v };
  }

  /** The node id whose key verifies a v2 envelope; throws GossipRefusal otherwise. */
  private verifySignature(body: Fields, payload: string): string {
    const { from, sig } = body;
    if (!this.identity) throw new GossipRefusal(401, 'unauthenticated', 'this node has no node keys: it takes messages signed with the cluster key ({ v: 1 })');
    if (typeof from !== 'string' || from.length > GOSSIP_LIMITS.idLength || typeof sig !== 'string' || !SIGNATURE.test(sig)) {
      throw new GossipRefusal(401, 'unauthenticated', "a node-signed gossip envelope needs 'from' and an Ed25519 'sig' (86 base64url characters)");
    }
    if (!this.identity.trust.has(from)) throw new GossipRefusal(401, 'unauthenticated', 'gossip message signed by a node id the trust file does not list');
    if (!this.identity.trust.verify(from, signedBytes(payload), Buffer.from(sig, 'base64url'))) {
      throw new GossipRefusal(401, 'unauthenticated', "gossip message signature does not verify with the key of its 'from'");
    }
    return from;
  }

  private parse(content: unknown): { message: GossipMessage; dropped: number } {
    try {
      return parseGossipMessage(content);
    } catch (error) {
      if (error instanceof GossipMessageError) {
        throw new GossipRefusal(error.tooLarge ? 413 : 400, error.tooLarge ? 'too-large' : 'malformed', error.message);
      }
      throw error;
    }
  }
}
