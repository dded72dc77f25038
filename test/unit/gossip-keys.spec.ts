import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { GossipKeyError, GossipKeyring, GossipRefusal, type GossipDigestEntry } from '@omnirelay/mesh-gossip';
import { GossipCodec } from '@internal/mesh-gossip/gossip-codec';
import { GossipReplayGuard } from '@internal/mesh-gossip/security/gossip-replay-guard';
import { gossipEntry } from '../support/gossip-entry';

const key = () => randomBytes(32).toString('base64');
const entry = (nodeId: string): GossipDigestEntry => gossipEntry(nodeId, 'http://127.0.0.1:9001');
const codec = (keys: string[] | undefined, windowMs = 30_000) =>
  new GossipCodec(keys ? GossipKeyring.fromBase64(keys) : undefined, new GossipReplayGuard(windowMs, 1000));
const refusal = (run: () => unknown): GossipRefusal => {
  try {
    run();
  } catch (error) {
    if (error instanceof GossipRefusal) return error;
    throw error;
  }
  throw new Error('expected a GossipRefusal');
};
const NOW = 1_800_000_000_000;

describe('gossip keys', () => {
  it('accepts base64 (standard or url-safe) of exactly 32 bytes and refuses any other length without echoing the key', () => {
    expect(GossipKeyring.fromBase64([key()]).size).toBe(1);
    expect(GossipKeyring.fromBase64([randomBytes(32).toString('base64url')]).size).toBe(1);
    const short = randomBytes(16).toString('base64');
    expect(() => GossipKeyring.fromBase64([short])).toThrow(GossipKeyError);
    expect(() => GossipKeyring.fromBase64([short])).toThrow(/32 bytes, got 16 bytes/);
    try {
      GossipKeyring.fromBase64([short]);
    } catch (error) {
      expect(String(error)).not.toContain(short);
    }
    expect(() => GossipKeyring.fromBase64(['not base64!'])).toThrow(/not base64/);
    expect(() => GossipKeyring.fromBase64([])).toThrow(GossipKeyError);
  });

  it('never shows a key when the keyring is printed, inspected or serialized', () => {
    const text = key();
    const raw = Buffer.from(text, 'base64');
    const ring = GossipKeyring.fromBase64([text]);
    for (const shown of [String(ring), inspect(ring, { showHidden: true, depth: 5 }), JSON.stringify({ ring })]) {
      expect(shown).not.toContain(text);
      expect(shown).not.toContain(raw.toString('hex'));
      expect(shown).toContain('1 keys');
    }
  });

  it('signs with the first key and verifies with any key of the ring (rotation)', () => {
    const [k1, k2, k3] = [key(), key(), key()];
    const payload = '{"from":"a"}';
    const signedWithK2 = GossipKeyring.fromBase64([k2]).sign(payload);
    expect(GossipKeyring.fromBase64([k1, k2]).verify(payload, signedWithK2)).toBe(true);
    expect(GossipKeyring.fromBase64([k1]).verify(payload, signedWithK2)).toBe(false);
    expect(GossipKeyring.fromBase64([k1, k3]).verify(payload, signedWithK2)).toBe(false);
    const ring = GossipKeyring.fromBase64([k1, k2]);
    expect(GossipKeyring.fromBase64([k1]).verify(payload, ring.sign(payload))).toBe(true);
    expect(GossipKeyring.fromBase64([k2]).verify(payload, ring.sign(payload))).toBe(false);
  });

  it('refuses a tag of the wrong shape, or for other bytes', () => {
    const ring = GossipKeyring.fromBase64([key()]);
    const tag = ring.sign('payload');
    expect(ring.verify('payload ', tag)).toBe(false);
    for (const bad of [undefined, 42, '', tag.slice(1), `${tag}A`, tag.replace(/./, (c) => (c === 'A' ? 'B' : 'A'))]) {
      expect(ring.verify('payload', bad)).toBe(false);
    }
  });
});

describe('signed gossip envelopes', () => {
  it('round-trips a signed message, and a node with k1,k2 accepts one signed with k2 but not one signed with an unknown key', () => {
    const [k1, k2, unknown] = [key(), key(), key()];
    const sent = codec([k2]).write({ from: 'b' }, { entries: [entry('b')] }, NOW);
    const body = JSON.parse(sent.body) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['v', 'payload', 'mac']);
    expect([body['v'], typeof body['payload'], typeof body['mac']]).toEqual([1, 'string', 'string']);
    const { message } = codec([k1, k2]).readRequest(body, NOW + 10);
    expect(message).toMatchObject({ from: 'b', nonce: sent.nonce, sentAt: NOW, members: [expect.objectContaining({ nodeId: 'b' })] });

    const forged = JSON.parse(codec([unknown]).write({ from: 'b' }, { entries: [entry('b')] }, NOW).body) as unknown;
    expect(refusal(() => codec([k1, k2]).readRequest(forged, NOW))).toMatchObject({ status: 401, outcome: 'unauthenticated' });
  });

  it('answers 401 to an unsigned message, a missing MAC and a payload changed after signing', () => {
    const k = key();
    const receiver = codec([k]);
    const plain = JSON.parse(codec(undefined).write({ from: 'b' }, { entries: [entry('b')] }, NOW).body) as unknown;
    expect(refusal(() => receiver.readRequest(plain, NOW))).toMatchObject({ status: 401, outcome: 'unauthenticated' });

    const signed = JSON.parse(codec([k]).write({ from: 'b' }, { entries: [entry('b')] }, NOW).body) as { v: number; payload: string; mac: string };
    expect(refusal(() => receiver.readRequest({ v: 1, payload: signed.payload }, NOW))).toMatchObject({ status: 401 });
    const tampered = { ...signed, payload: signed.payload.replace('"heartbeat":1', '"heartbeat":2') };
    expect(tampered.payload).not.toBe(signed.payload);
    expect(refusal(() => receiver.readRequest(tampered, NOW))).toMatchObject({ status: 401, outcome: 'unauthenticated' });
    // v2 is the node-signed envelope: a node with a cluster key only has no node keys to verify it with.
    expect(refusal(() => receiver.readRequest({ ...signed, v: 2 }, NOW))).toMatchObject({ status: 401, outcome: 'unauthenticated' });
    expect(refusal(() => receiver.readRequest({ ...signed, v: 3 }, NOW))).toMatchObject({ status: 400, outcome: 'malformed' });
  });

  it('refuses a replay: the same message twice, or one sent outside the window either way', () => {
    const k = key();
    const receiver = codec([k], 30_000);
    const sender = codec([k]);
    const body = JSON.parse(sender.write({ from: 'b' }, { entries: [entry('b')] }, NOW).body) as unknown;
    receiver.readRequest(body, NOW);
    expect(refusal(() => receiver.readRequest(body, NOW + 1000))).toMatchObject({ status: 401, outcome: 'replayed' });

    const old = JSON.parse(sender.write({ from: 'b' }, { entries: [entry('b')] }, NOW - 30_001).body) as unknown;
    expect(refusal(() => receiver.readRequest(old, NOW))).toMatchObject({ status: 401, outcome: 'replayed' });
    const future = JSON.parse(sender.write({ from: 'b' }, { entries: [entry('b')] }, NOW + 30_001).body) as unknown;
    expect(refusal(() => receiver.readRequest(future, NOW))).toMatchObject({ status: 401, outcome: 'replayed' });
    const edge = JSON.parse(sender.write({ from: 'b' }, { entries: [entry('b')] }, NOW - 30_000).body) as unknown;
    expect(receiver.readRequest(edge, NOW).message.from).toBe('b');
  });

  it('binds an answer to its request: an answer to another request is refused', () => {
    const k = key();
    const node = codec([k]);
    const request = node.write({ from: 'a' }, { entries: [entry('a')] }, NOW);
    const answer = JSON.parse(codec([k]).write({ from: 'b', replyTo: request.nonce }, { entries: [entry('b')] }, NOW).body) as unknown;
    expect(node.readReply(answer, request.nonce, NOW).message.from).toBe('b');
    const other = node.write({ from: 'a' }, { entries: [entry('a')] }, NOW);
    expect(refusal(() => node.readReply(answer, other.nonce, NOW))).toMatchObject({ status: 401, outcome: 'replayed' });
    // An answer is not a request either.
    expect(refusal(() => codec([k]).readRequest(answer, NOW))).toMatchObject({ status: 400 });
  });

  it('keeps the remembered nonces bounded', () => {
    const guard = new GossipReplayGuard(30_000, 100);
    for (let i = 0; i < 1000; i++) expect(guard.check(NOW, `nonce-${String(i).padStart(12, '0')}`, NOW)).toBe('fresh');
    expect(guard.remembered).toBe(100);
    expect(guard.check(NOW, 'nonce-000000000999', NOW)).toBe('seen');
    // Nonces whose messages fell out of the window are forgotten.
    guard.check(NOW + 31_000, 'later-nonce-0000001', NOW + 31_000);
    expect(guard.remembered).toBe(1);
  });
});
