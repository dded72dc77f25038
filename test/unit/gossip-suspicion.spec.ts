import {
  GossipAddressPolicy,
  GossipKeyring,
  GossipProtocol,
  type GossipDigestEntry,
  type GossipRoundTiming,
} from '@omnirelay/mesh-gossip';
import type { GossipMembership } from '@internal/mesh-gossip/membership/gossip-membership';
import { GossipLeadershipStore } from '@omnirelay/mesh-leadership';
import { PROBE_LIMITS } from '@internal/mesh-gossip/indirect-probes';
import { gossipEntry } from '../support/gossip-entry';

/** SWIM-style failure detection: indirect probes, suspicions that travel, and their refutation. */
const policy = new GossipAddressPolicy(['127.0.0.0/8']);
const NOW = 1_800_000_000_000;
/** After the quiet period: a third party's suspicion counts once nothing was heard of the member here for 2 s (SuspicionGate). */
const LATER = NOW + 2_000;
const TIMING: GossipRoundTiming = { roundIntervalMs: 1000, fanout: 3, suspicionTimeoutMs: 3000, forgetAfterMs: 600_000 };
const entry = (nodeId: string, heartbeat: number, over: Partial<GossipDigestEntry> = {}): GossipDigestEntry =>
  gossipEntry(nodeId, `http://127.0.0.1:${9000 + Number(nodeId.replace(/\D/g, '') || 0)}`, { role: 'control-plane', heartbeat, ...over });
const stateOf = (membership: GossipMembership, nodeId: string) => membership.view(NOW).find((m) => m.nodeId === nodeId);
const keyring = GossipKeyring.fromBase64([Buffer.alloc(32, 7).toString('base64')]);
const node = (id: string, role = 'control-plane') => new GossipProtocol(entry(id, 0, { role }), 1, { policy, keyring });

interface Payload {
  readonly news?: boolean;
  readonly members: ReadonlyArray<{ readonly nodeId: string; readonly state: string; readonly heartbeat: number }>;
}
/** The message inside a signed envelope. */
const payloadOf = (body: string | undefined): Payload => JSON.parse((JSON.parse(body ?? '{}') as { payload: string }).payload) as Payload;

/** A node that knows members m1..m5 first-hand at heartbeat 10. */
function knowing(id: string, role = 'control-plane'): GossipProtocol {
  const protocol = node(id, role);
  for (let i = 1; i <= 5; i++) protocol.membership.merge([entry(`m${i}`, 10)], `m${i}`, NOW);
  // The joins learnt are news of their own: pushed once, here, so that what follows starts without news.
  expect(protocol.news(NOW, 3)).toHaveLength(3);
  expect(protocol.news(NOW, 3)).toEqual([]);
  return protocol;
}

describe('indirect probes (SWIM ping-req)', () => {
  it('a failed exchange with an alive member plans a probe through up to k other members; none reaching it makes it suspect', () => {
    const prober = knowing('p');
    const plan = prober.exchangeFailed(entry('m1', 0).url, () => 0.5);
    expect(plan?.version).toEqual({ nodeId: 'm1', incarnation: 1, heartbeat: 10 });
    expect(plan?.relays.length).toBe(PROBE_LIMITS.relays);
    expect(plan?.relays).not.toContain(entry('m1', 0).url);
    // One probe per member at once.
    expect(prober.exchangeFailed(entry('m1', 0).url)).toBeUndefined();
    if (!plan) throw new Error('no plan');
    expect(prober.finishProbe(plan, false, NOW + 10).map((c) => [c.info.nodeId, c.previous, c.state])).toEqual([['m1', 'alive', 'suspect']]);
    expect(prober.probes.counters).toMatchObject({ started: 1, suspected: 1, reached: 0 });
    // No probe of a member suspected already, nor of one never heard of.
    expect(prober.exchangeFailed(entry('m1', 0).url)).toBeUndefined();
    expect(prober.exchangeFailed('http://127.0.0.1:1')).toBeUndefined();
  });

  it('a relay reaching the member, or news of it since the probe started, means no suspicion', () => {
    const prober = knowing('p');
    const first = prober.exchangeFailed(entry('m1', 0).url);
    if (!first) throw new Error('no plan');
    expect(prober.finishProbe(first, true, NOW)).toEqual([]);
    const second = prober.exchangeFailed(entry('m1', 0).url);
    if (!second) throw new Error('no plan');
    prober.membership.merge([entry('m1', 13)], 'm2', NOW + 5);
    expect(prober.finishProbe(second, false, NOW + 10)).toEqual([]);
    expect(stateOf(prober.membership, 'm1')?.state).toBe('alive');
    expect(prober.probes.counters).toMatchObject({ started: 2, reached: 2, suspected: 0 });
  });

  it('with no other member to ask, a failed exchange plans no probe (silence alone then decides)', () => {
    const prober = node('p');
    prober.membership.merge([entry('m1', 1)], 'm1', NOW);
    expect(prober.exchangeFailed(entry('m1', 0).url)).toBeUndefined();
  });

  it('a relay probes only a member it knows, at the address it knows, within its bound; its verdict comes back signed', () => {
    const prober = knowing('p');
    const relay = knowing('r');
    const plan = prober.exchangeFailed(entry('m1', 0).url);
    if (!plan) throw new Error('no plan');
    const { body, nonce } = prober.probeRequest(plan, NOW);
    const received = relay.receive(JSON.parse(body), NOW);
    if (received.relay === undefined) throw new Error('the relay should probe');
    expect(received.relay).toMatchObject({ nodeId: 'm1', url: entry('m1', 0).url });
    const answer = received.relay.answer(false, NOW + 1000);
    expect(prober.acceptProbeReply(JSON.parse(answer), nonce, NOW + 1001).result).toBe('unreached');

    // Unknown member: declined at once, nothing contacted.
    const stranger = { ...plan, version: { ...plan.version, nodeId: 'nobody' } };
    const unknown = prober.probeRequest(stranger, NOW);
    const declined = relay.receive(JSON.parse(unknown.body), NOW);
    expect(declined.relay).toBeUndefined();
    expect(prober.acceptProbeReply(JSON.parse(declined.reply ?? ''), unknown.nonce, NOW).result).toBe('declined');
    // A probe of the relay itself: it answers, so it is reached.
    const self = prober.probeRequest({ ...plan, version: { ...plan.version, nodeId: 'r' } }, NOW);
    const own = relay.receive(JSON.parse(self.body), NOW);
    expect(prober.acceptProbeReply(JSON.parse(own.reply ?? ''), self.nonce, NOW).result).toBe('reached');

    // Past the bound of probes run at once for others: declined, counted (one request per rate window, so only the bound bites).
    const open = Array.from({ length: PROBE_LIMITS.relayedInFlight + 1 }, (_, i) => {
      const at = NOW + (i + 1) * PROBE_LIMITS.windowMs;
      return relay.receive(JSON.parse(prober.probeRequest(plan, at).body), at);
    });
    expect(open.filter((r) => r.relay !== undefined)).toHaveLength(PROBE_LIMITS.relayedInFlight);
    expect(relay.probes.counters.declined).toBe(2);
    // Answering frees the slots.
    for (const r of open) r.relay?.answer(true, NOW);
    const after = NOW + 20 * PROBE_LIMITS.windowMs;
    expect(relay.receive(JSON.parse(prober.probeRequest(plan, after).body), after).relay).toBeDefined();
  });
});

describe('suspicions travel and are refuted by heartbeats', () => {
  it('a suspicion spreads with the digest as the version suspected, and is adopted where nothing refutes it', () => {
    const prober = knowing('p');
    const plan = prober.exchangeFailed(entry('m1', 0).url);
    if (!plan) throw new Error('no plan');
    prober.finishProbe(plan, false, NOW);
    const spread = [...prober.membership.digest()].find((e) => e.nodeId === 'm1');
    expect(spread).toMatchObject({ state: 'suspect', heartbeat: 10, incarnation: 1 });
    if (!spread) throw new Error('no entry');

    const other = knowing('o');
    // Heartbeats up to two further (possibly sent just before m1 went silent) do not refute it...
    other.membership.merge([entry('m1', 11)], 'm2', NOW);
    expect(other.membership.merge([spread], 'p', LATER + 1).map((c) => c.state)).toEqual(['suspect']);
    expect(other.membership.merge([entry('m1', 12)], 'm3', LATER + 2)).toEqual([]);
    // ...three do.
    expect(other.membership.merge([entry('m1', 13)], 'm3', LATER + 3).map((c) => [c.previous, c.state])).toEqual([['suspect', 'alive']]);
    // Where m1's heartbeat is known two past it already, the suspicion is stale and ignored.
    expect(other.membership.merge([spread], 'p', 2 * LATER)).toEqual([]);
    expect(stateOf(other.membership, 'm1')?.state).toBe('alive');
  });

  it('a word from the member itself refutes a suspicion at once', () => {
    const membership = knowing('o').membership;
    membership.merge([entry('m1', 10, { state: 'suspect' })], 'm2', LATER);
    expect(stateOf(membership, 'm1')?.state).toBe('suspect');
    expect(membership.merge([entry('m1', 11)], 'm1', LATER + 1).map((c) => c.state)).toEqual(['alive']);
  });

  it('a suspicion introduces no member, cannot raise an incarnation, never comes first-hand, and never makes a member dead before the timeout', () => {
    const membership = knowing('o').membership;
    expect(membership.merge([entry('ghost', 1, { state: 'suspect' })], 'm2', NOW)).toEqual([]);
    expect(stateOf(membership, 'ghost')).toBeUndefined();
    expect(membership.merge([entry('m1', 10, { state: 'suspect', incarnation: 2 })], 'm2', NOW)).toEqual([]);
    expect(membership.counters.ignoredClaims).toBe(1);
    expect(membership.merge([entry('m2', 10, { state: 'suspect' })], 'm2', NOW)).toEqual([]);
    expect(stateOf(membership, 'm2')?.state).toBe('alive');

    membership.merge([entry('m3', 10, { state: 'suspect' })], 'm4', LATER);
    expect(membership.sweep(LATER + TIMING.suspicionTimeoutMs, { silenceMs: TIMING.suspicionTimeoutMs, suspicionMs: TIMING.suspicionTimeoutMs, forgetAfterMs: TIMING.forgetAfterMs }).filter((c) => c.info.nodeId === 'm3')).toEqual([]);
    const later = membership.sweep(LATER + TIMING.suspicionTimeoutMs + 1, { silenceMs: TIMING.suspicionTimeoutMs, suspicionMs: TIMING.suspicionTimeoutMs, forgetAfterMs: TIMING.forgetAfterMs });
    expect(later.filter((c) => c.info.nodeId === 'm3').map((c) => c.state)).toEqual(['dead']);
  });

  it('independent confirmations shorten a travelling suspicion to half the timeout at three (Lifeguard); one sender twice counts once', () => {
    const membership = knowing('o').membership;
    membership.merge([entry('m3', 10, { state: 'suspect' })], 'm4', LATER);
    membership.merge([entry('m3', 10, { state: 'suspect' })], 'm4', LATER);
    membership.merge([entry('m3', 10, { state: 'suspect' })], 'm5', LATER);
    // One confirmation: three quarters of the timeout.
    const half = TIMING.suspicionTimeoutMs / 2;
    expect(membership.sweep(LATER + half + 1, { silenceMs: TIMING.suspicionTimeoutMs, suspicionMs: TIMING.suspicionTimeoutMs, forgetAfterMs: TIMING.forgetAfterMs }).filter((c) => c.info.nodeId === 'm3')).toEqual([]);
    membership.merge([entry('m3', 10, { state: 'suspect' })], 'm2', LATER);
    membership.merge([entry('m3', 10, { state: 'suspect' })], 'm1', LATER);
    const dead = membership.sweep(LATER + half + 1, { silenceMs: TIMING.suspicionTimeoutMs, suspicionMs: TIMING.suspicionTimeoutMs, forgetAfterMs: TIMING.forgetAfterMs });
    expect(dead.filter((c) => c.info.nodeId === 'm3').map((c) => c.state)).toEqual(['dead']);
    // A confirmation already refuted here counts for nothing: m2 stays suspect for the whole timeout.
    membership.merge([entry('m2', 10, { state: 'suspect' })], 'm4', LATER);
    for (const sender of ['m1', 'm3', 'm5']) membership.merge([entry('m2', 7, { state: 'suspect' })], sender, LATER);
    expect(membership.sweep(LATER + half + 2, { silenceMs: TIMING.suspicionTimeoutMs, suspicionMs: TIMING.suspicionTimeoutMs, forgetAfterMs: TIMING.forgetAfterMs }).filter((c) => c.info.nodeId === 'm2')).toEqual([]);
  });

  it('a member told it is suspected moves its heartbeat past the suspicion; one near 2^53 is ignored and counted', () => {
    const target = knowing('m1').membership;
    target.merge([entry('m1', 1000, { state: 'suspect' })], 'm2', NOW);
    expect(target.selfEntry().heartbeat).toBe(1003);
    expect(target.counters.refutedSuspicions).toBe(1);
    // Its refutation, passed on by anyone, clears the suspicion where it was adopted.
    const other = knowing('o').membership;
    other.merge([entry('m1', 1000, { state: 'suspect' })], 'm2', LATER);
    expect(other.merge([target.selfEntry()], 'm3', LATER + 1).map((c) => c.state)).toEqual(['alive']);

    target.merge([entry('m1', Number.MAX_SAFE_INTEGER - 1, { state: 'suspect' })], 'm2', NOW);
    expect(target.selfEntry().heartbeat).toBe(1003);
    expect(target.counters.ignoredClaims).toBe(1);
  });

  it('a suspicion names no heartbeat later than the one known here, so a forged one far ahead is refuted by the next real heartbeats', () => {
    const other = knowing('o').membership;
    other.merge([entry('m1', 9_000_000, { state: 'suspect' })], 'm2', LATER);
    expect([...other.digest()].find((e) => e.nodeId === 'm1')).toMatchObject({ state: 'suspect', heartbeat: 10 });
    expect(other.merge([entry('m1', 13)], 'm3', LATER + 1).map((c) => c.state)).toEqual(['alive']);
  });

  it('news goes out at once: a suspicion to fan-out members other than the suspected one, then its refutation; nothing without news', () => {
    const prober = knowing('p');
    expect(prober.news(NOW, 3)).toEqual([]);
    const plan = prober.exchangeFailed(entry('m1', 0).url);
    if (!plan) throw new Error('no plan');
    prober.finishProbe(plan, false, NOW);
    const pushes = prober.news(NOW, 3);
    expect(pushes).toHaveLength(3);
    expect(pushes.map((p) => p.url)).not.toContain(entry('m1', 0).url);
    expect(prober.news(NOW, 3)).toEqual([]);

    // A receiver adopts the suspicion, answers with its own entry only, and has news of its own to pass on.
    const receiver = knowing('r');
    const push = pushes[0];
    if (!push) throw new Error('no push');
    // (It is read after the quiet period; the envelope's sentAt is NOW, well inside the replay window.)
    const received = receiver.receive(JSON.parse(push.body), LATER);
    expect(received.changes.filter((c) => c.info.nodeId === 'm1').map((c) => c.state)).toEqual(['suspect']);
    expect(payloadOf(received.reply).members.map((m) => m.nodeId)).toEqual(['r']);
    const onward = receiver.news(LATER, 3);
    expect(onward).toHaveLength(3);
    // p, first heard of through its push, is a join here: news too.
    expect(payloadOf(onward[0]?.body)).toMatchObject({ news: true, members: [{ nodeId: 'r' }, { nodeId: 'p', state: 'alive' }, { nodeId: 'm1', state: 'suspect' }] });

    // m1's heartbeat three past the suspicion refutes it; the refutation is news too.
    receiver.membership.merge([entry('m1', 13)], 'm2', LATER + 1);
    const refutation = receiver.news(LATER + 1, 3);
    expect(payloadOf(refutation[0]?.body).members).toEqual([expect.objectContaining({ nodeId: 'r' }), expect.objectContaining({ nodeId: 'm1', state: 'alive', heartbeat: 13 })]);
  });

  it('a forged suspicion of a leader heard from is refused; once the leader went quiet here it costs its term only until its next heartbeat arrives', () => {
    const follower = knowing('o', 'worker');
    const store = new GossipLeadershipStore(['global'], new Set(['control-plane']), () => NOW);
    store.update(follower.membership.view(NOW));
    const leader = store.leaders()[0]?.leaderId;
    if (leader === undefined) throw new Error('no leader');
    const victim = leader;
    // A member holding a key forges a suspicion of the leader at a heartbeat far ahead: the leader was just heard from.
    expect(follower.membership.merge([entry(victim, 5000, { state: 'suspect' })], 'm2', NOW + 1)).toEqual([]);
    expect(follower.membership.counters.refusedSuspicions).toBe(1);
    store.update(follower.membership.view(NOW + 1));
    expect(store.leaders()[0]?.leaderId).toBe(victim);
    // Quiet here for the quiet period: adopted.
    follower.membership.merge([entry(victim, 5000, { state: 'suspect' })], 'm2', LATER);
    store.update(follower.membership.view(LATER));
    expect(store.leaders()[0]?.leaderId).not.toBe(victim);
    // The leader's next message to this node, or its refutation passed on by anyone, restores it.
    const real = knowing(victim).membership;
    real.merge([entry(victim, 5000, { state: 'suspect' })], 'm2', NOW);
    follower.membership.merge([real.selfEntry()], 'm3', LATER + 1000);
    store.update(follower.membership.view(LATER + 1000));
    expect(store.leaders()[0]?.leaderId).toBe(victim);
  });
});

describe('probe fields on the wire (bounds, 4xx at the door)', () => {
  const refusal = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      return error;
    }
    throw new Error('expected a refusal');
  };
  const unsigned = () => new GossipProtocol(entry('u', 0), 1, { policy });
  const base = { from: 'x', members: [] };

  it('refuses a malformed probe, a probe in an answer and a verdict in a request, with 400', () => {
    const receiver = unsigned();
    for (const body of [
      { ...base, probe: '' },
      { ...base, probe: 42 },
      { ...base, probe: 'x'.repeat(257) },
      { ...base, probe: 'bad\u0000id' },
      { ...base, probeResult: 'reached' },
      { ...base, probe: 'm1', replyTo: 'A'.repeat(20) },
      { ...base, probeResult: 'maybe' },
      { ...base, news: 'yes' },
      { ...base, news: true, probe: 'm1' },
    ]) {
      expect(refusal(() => receiver.receive(body, NOW))).toMatchObject({ status: 400, outcome: 'malformed' });
    }
    expect(receiver.counters.inbound.malformed).toBe(9);
  });

  it('reads a suspect entry with the same bounds as any entry; an unknown state is dropped, not trusted', () => {
    const receiver = unsigned();
    receiver.receive({ from: 'm2', members: [entry('m2', 1), entry('m1', 1)] }, NOW);
    const read = receiver.receive({ from: 'm2', members: [entry('m1', 1, { state: 'suspect' }), { ...entry('m3', 1), state: 'dead' }] }, LATER);
    expect(read.changes.map((c) => [c.info.nodeId, c.state])).toEqual([['m1', 'suspect']]);
    expect(receiver.counters.droppedEntries).toBe(1);
  });
});
