import { generateKeyPairSync } from 'node:crypto';
import { inspect } from 'node:util';
import {
  GossipAddressPolicy,
  GossipIdentity,
  GossipIdentityError,
  GossipKeyring,
  GossipProtocol,
  GossipRefusal,
  GossipTrustStore,
  type GossipDigestEntry,
} from '@omnirelay/mesh-gossip';
import { GossipCodec } from '@internal/mesh-gossip/gossip-codec';
import { GossipReplayGuard } from '@internal/mesh-gossip/security/gossip-replay-guard';
import { gossipEntry } from '../support/gossip-entry';

/** Node keys (Ed25519, envelope v2): a message speaks for its signer only. */
const NOW = 1_800_000_000_000;
const pair = () => generateKeyPairSync('ed25519');
const nodes = { a: pair(), b: pair(), w: pair() };
const pem = (id: keyof typeof nodes) => nodes[id].privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const trustText = JSON.stringify({
  nodes: {
    a: { publicKey: nodes.a.publicKey.export({ type: 'spki', format: 'pem' }).toString(), role: 'control-plane' },
    b: nodes.b.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    w: { publicKey: nodes.w.publicKey.export({ type: 'spki', format: 'pem' }).toString(), role: 'worker' },
  },
});
const trust = GossipTrustStore.parse(trustText);
const identity = (id: keyof typeof nodes) => GossipIdentity.fromPem(id, pem(id), trust);
const codec = (id: keyof typeof nodes, keyring?: GossipKeyring) => new GossipCodec(keyring, new GossipReplayGuard(30_000, 1000), identity(id));
const entry = (nodeId: string, over: Partial<GossipDigestEntry> = {}): GossipDigestEntry => gossipEntry(nodeId, 'http://127.0.0.1:9001', over);
const refusal = (run: () => unknown): GossipRefusal => {
  try {
    run();
  } catch (error) {
    if (error instanceof GossipRefusal) return error;
    throw error;
  }
  throw new Error('expected a GossipRefusal');
};
type Envelope = { v: number; from: string; payload: string; sig: string };

describe('the trust file and a node key', () => {
  it('reads public keys per node id (a PEM text, or an object with a role), and refuses what it cannot use, naming the entry', () => {
    expect(trust.size).toBe(3);
    expect([trust.roleOf('a'), trust.roleOf('b'), trust.roleOf('w')]).toEqual(['control-plane', undefined, 'worker']);
    expect(GossipTrustStore.parse(`\uFEFF${trustText}`).size).toBe(3);
    for (const [text, message] of [
      ['not json', /not JSON/],
      ['{"nodes":{}}', /lists no node/],
      ['{"tokens":[]}', /needs "nodes"/],
      ['{"nodes":{"x":"-----BEGIN PUBLIC KEY-----\\nAAAA\\n-----END PUBLIC KEY-----"}}', /node "x": publicKey is not a PEM public key/],
      [JSON.stringify({ nodes: { x: generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }) } }), /Ed25519/],
      [JSON.stringify({ nodes: { x: { publicKey: nodes.a.publicKey.export({ type: 'spki', format: 'pem' }), role: '' } } }), /role/],
    ] as const) {
      expect(() => GossipTrustStore.parse(text)).toThrow(message);
    }
  });

  it('takes a node key only when the trust file lists its public key for this node id; prints neither key', () => {
    expect(identity('a').nodeId).toBe('a');
    expect(() => GossipIdentity.fromPem('a', pem('b'), trust)).toThrow(/another public key for "a"/);
    expect(() => GossipIdentity.fromPem('z', pem('a'), trust)).toThrow(/does not list this node id/);
    expect(() => GossipIdentity.fromPem('a', 'not a key', trust)).toThrow(GossipIdentityError);
    const shown = [inspect(identity('a')), JSON.stringify({ identity: identity('a'), trust }), String(trust)].join(' ');
    expect(shown).toBe('GossipIdentity(a) {"identity":"GossipIdentity(a)","trust":"GossipTrustStore(3 nodes)"} GossipTrustStore(3 nodes)');
    expect(shown).not.toContain('PRIVATE');
  });
});

describe('node-signed envelopes (v2)', () => {
  it('round-trips a message signed by its sender', () => {
    const body = JSON.parse(codec('b').write({ from: 'b' }, { entries: [entry('b')] }, NOW).body) as Envelope;
    expect(body).toMatchObject({ v: 2, from: 'b' });
    expect(body.sig).toMatch(/^[A-Za-z0-9_-]{86}$/);
    const read = codec('a').readRequest(body, NOW);
    expect(read).toMatchObject({ envelope: 2, message: { from: 'b', members: [{ nodeId: 'b' }] } });
  });

  it("refuses with 401 a 'from' that is not the signer, in the envelope or in the payload, an unknown signer, and a changed payload", () => {
    const receiver = codec('a');
    const signed = JSON.parse(codec('w').write({ from: 'w' }, { entries: [entry('w')] }, NOW).body) as Envelope;
    // The worker's signature presented as b's.
    expect(refusal(() => receiver.readRequest({ ...signed, from: 'b' }, NOW))).toMatchObject({ status: 401, outcome: 'unauthenticated' });
    // The worker signs a payload naming b.
    const naming = JSON.parse(codec('w').write({ from: 'b' }, { entries: [entry('b')] }, NOW).body) as Envelope;
    expect(naming.from).toBe('b');
    expect(refusal(() => receiver.readRequest({ ...naming, from: 'w' }, NOW)).message).toMatch(/not the node that signed it/);
    expect(refusal(() => receiver.readRequest({ ...signed, from: 'nobody' }, NOW)).message).toMatch(/does not list/);
    const tampered = { ...signed, payload: signed.payload.replace('"heartbeat":1', '"heartbeat":2') };
    expect(refusal(() => receiver.readRequest(tampered, NOW))).toMatchObject({ status: 401 });
    expect(refusal(() => receiver.readRequest({ ...signed, sig: 'x' }, NOW))).toMatchObject({ status: 401 });
  });

  it('a node with node keys only refuses cluster-key envelopes; with both it reads both and answers in kind', () => {
    const keyring = GossipKeyring.fromBase64([Buffer.alloc(32, 9).toString('base64')]);
    const legacy = JSON.parse(new GossipCodec(keyring, new GossipReplayGuard(30_000, 1000)).write({ from: 'b' }, { entries: [entry('b')] }, NOW).body) as unknown;
    expect(refusal(() => codec('a').readRequest(legacy, NOW)).message).toMatch(/only messages signed with a node key/);
    expect(codec('a', keyring).readRequest(legacy, NOW).envelope).toBe(1);
    const policy = new GossipAddressPolicy(['127.0.0.0/8']);
    const migrating = new GossipProtocol(gossipEntry('a', 'http://127.0.0.1:9002', { role: 'control-plane' }), 1, { policy, keyring, identity: identity('a') });
    const answer = JSON.parse(migrating.receive(legacy, NOW).reply ?? '{}') as { v: number };
    expect(answer.v).toBe(1);
    const modern = JSON.parse(codec('b').write({ from: 'b' }, { entries: [entry('b')] }, NOW).body) as unknown;
    expect((JSON.parse(migrating.receive(modern, NOW).reply ?? '{}') as { v: number }).v).toBe(2);
  });
});

describe('membership under node keys', () => {
  const policy = new GossipAddressPolicy(['127.0.0.0/8']);
  const protocol = (id: keyof typeof nodes, role: string) => new GossipProtocol(gossipEntry(id, `http://127.0.0.1:${9100 + id.charCodeAt(0)}`, { role }), 1, { policy, identity: identity(id) });

  it('refuses members the trust file does not list, and a member announcing a role it is not bound to', () => {
    const a = protocol('a', 'control-plane');
    const w = protocol('w', 'worker');
    // The worker introduces an unlisted id, and claims the control-plane role for itself.
    const forged = JSON.parse(codec('w').write({ from: 'w' }, { entries: [entry('w', { role: 'control-plane' }), entry('ghost')] }, NOW).body) as unknown;
    a.receive(forged, NOW);
    expect(a.membership.view(NOW).map((m) => m.nodeId)).toEqual(['a']);
    expect(a.counters.refusedIdentities).toBe(2);
    // As a worker, it is a member.
    a.receive(JSON.parse(w.request(NOW).body), NOW);
    expect(a.membership.view(NOW).map((m) => [m.nodeId, m.role])).toEqual([['a', 'control-plane'], ['w', 'worker']]);
  });

  it("a relay's answer counts as the member's only when that very node signed it", () => {
    const a = protocol('a', 'control-plane');
    const b = protocol('b', 'control-plane');
    const w = protocol('w', 'worker');
    const { body, nonce } = a.request(NOW);
    const fromB = b.receive(JSON.parse(body), NOW).reply ?? '';
    a.acceptAnswerOf('b', 'http://127.0.0.1:9198', JSON.parse(fromB), nonce, NOW);
    expect(a.membership.view(NOW).map((m) => m.nodeId)).toEqual(['a', 'b']);
    const second = a.request(NOW);
    const fromW = w.receive(JSON.parse(second.body), NOW).reply ?? '';
    expect(() => a.acceptAnswerOf('b', 'http://127.0.0.1:9198', JSON.parse(fromW), second.nonce, NOW)).toThrow(/another node than the member contacted/);
  });
});
