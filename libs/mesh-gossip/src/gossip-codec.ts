import { randomBytes } from 'node:crypto';
import { GossipMessageError, parseGossipMessage } from './gossip-message';
import { GossipRefusal } from './gossip-refusal';
import type { GossipDigestEntry, GossipMessage, GossipProbeResult } from './interfaces/gossip-member.interface';
import { GOSSIP_LIMITS } from './mesh-gossip.constants';
import type { GossipKeyring } from './security/gossip-keyring';
import type { GossipReplayGuard } from './security/gossip-replay-guard';

/** Envelope version; the body of a signed message is `{ v, payload, mac }`. */
const ENVELOPE_VERSION = 1;
/** Bytes of `{"v":1,"payload":"","mac":"<43 chars>"}` around the escaped payload. */
const ENVELOPE_OVERHEAD = 96;

/** A message ready to send, and how many of the entries it carries (a prefix of them). */
export interface WrittenMessage {
  readonly body: string;
  readonly nonce: string;
  readonly carried: number;
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
 * Writes and reads gossip messages. With a keyring, a message is the envelope
 * `{ v: 1, payload: "<the message as JSON text>", mac: base64url(HMAC-SHA256(key, context + payload)) }`:
 * the MAC covers the exact bytes that are parsed, and the payload carries `sentAt` and a `nonce` for
 * the replay window. Without a keyring (the loopback demo), the message itself is the body, unsigned.
 */
export class GossipCodec {
  constructor(
    private readonly keyring: GossipKeyring | undefined,
    private readonly replay: GossipReplayGuard,
  ) {}

  get signed(): boolean {
    return this.keyring !== undefined;
  }

  /**
   * The head and as many of `entries` as fit in `budgetBytes` and `maxEntries` (the first entry,
   * the sender's own, always goes).
   */
  write(head: MessageHead, entries: Iterable<GossipDigestEntry>, now: number, budgetBytes: number = GOSSIP_LIMITS.sendBytes, maxEntries: number = GOSSIP_LIMITS.sendMembers): WrittenMessage {
    const nonce = newNonce();
    const prefix = JSON.stringify({
      from: head.from,
      sentAt: now,
      nonce,
      ...(head.replyTo ? { replyTo: head.replyTo } : {}),
      ...(head.probe === undefined ? {} : { probe: head.probe }),
      ...(head.probeResult === undefined ? {} : { probeResult: head.probeResult }),
      ...(head.news ? { news: true } : {}),
    }).slice(0, -1);
    const size = (json: string): number => (this.keyring ? escapedBytes(json) : Buffer.byteLength(json));
    let used = size(prefix) + size(',"members":[]}') + (this.keyring ? ENVELOPE_OVERHEAD : 0);
    const parts: string[] = [];
    for (const entry of entries) {
      if (parts.length >= maxEntries) break;
      const json = JSON.stringify(entry);
      const cost = size(json) + 1;
      if (parts.length > 0 && used + cost > budgetBytes) break;
      parts.push(json);
      used += cost;
    }
    const payload = `${prefix},"members":[${parts.join(',')}]}`;
    const body = this.keyring
      ? JSON.stringify({ v: ENVELOPE_VERSION, payload, mac: this.keyring.sign(payload) })
      : payload;
    return { body, nonce, carried: parts.length };
  }

  /** Reads a request from another node; throws GossipRefusal (400, 401 or 413). */
  readRequest(body: unknown, now: number): { message: GossipMessage; dropped: number } {
    const parsed = this.read(body);
    const { message } = parsed;
    if (message.probeResult !== undefined) throw new GossipRefusal(400, 'malformed', 'a gossip request does not carry probeResult');
    if (message.news && message.probe !== undefined) throw new GossipRefusal(400, 'malformed', 'a news push is not a probe request');
    if (!this.keyring) return parsed;
    if (message.replyTo !== undefined) throw new GossipRefusal(400, 'malformed', 'a gossip request does not carry replyTo');
    const verdict = this.replay.check(message.sentAt ?? 0, message.nonce ?? '', now);
    if (verdict === 'outside-window') {
      throw new GossipRefusal(401, 'replayed', `gossip message sent outside the replay window of ±${this.replay.windowMs} ms`);
    }
    if (verdict === 'seen') throw new GossipRefusal(401, 'replayed', 'gossip message already received (nonce seen)');
    return parsed;
  }

  /** Reads the answer to the request whose nonce was `requestNonce`; throws GossipRefusal. */
  readReply(body: unknown, requestNonce: string, now: number): { message: GossipMessage; dropped: number } {
    const parsed = this.read(body);
    if (!this.keyring) return parsed;
    const { sentAt = 0, replyTo } = parsed.message;
    if (replyTo !== requestNonce) throw new GossipRefusal(401, 'replayed', 'gossip answer does not answer this request');
    if (Math.abs(now - sentAt) > this.replay.windowMs) throw new GossipRefusal(401, 'replayed', 'gossip answer sent outside the replay window');
    return parsed;
  }

  private read(body: unknown): { message: GossipMessage; dropped: number } {
    let content: unknown = body;
    if (this.keyring) {
      if (!isObject(body) || body['payload'] === undefined || body['mac'] === undefined) {
        throw new GossipRefusal(401, 'unauthenticated', 'gossip message is not signed: this node needs { v, payload, mac } signed with the cluster gossip key');
      }
      const { v, payload, mac } = body;
      if (v !== ENVELOPE_VERSION || typeof payload !== 'string') {
        throw new GossipRefusal(400, 'malformed', `gossip envelope needs v: ${ENVELOPE_VERSION} and a string payload`);
      }
      if (payload.length > GOSSIP_LIMITS.messageBytes) {
        throw new GossipRefusal(413, 'too-large', `gossip payload is longer than ${GOSSIP_LIMITS.messageBytes} bytes`);
      }
      if (!this.keyring.verify(payload, mac)) throw new GossipRefusal(401, 'unauthenticated', 'gossip message MAC does not verify with any cluster key');
      try {
        content = JSON.parse(payload);
      } catch {
        throw new GossipRefusal(400, 'malformed', 'gossip payload is not JSON');
      }
      if (!isObject(content) || content['sentAt'] === undefined || content['nonce'] === undefined) {
        throw new GossipRefusal(400, 'malformed', "a signed gossip payload needs 'sentAt' and 'nonce'");
      }
    }
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
