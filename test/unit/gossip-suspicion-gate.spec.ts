import { GossipAddressPolicy, GossipProtocol, type GossipDigestEntry } from '@omnirelay/mesh-gossip';
import { PROBE_LIMITS } from '@internal/mesh-gossip/indirect-probes';
import { GossipMembership } from '@internal/mesh-gossip/membership/gossip-membership';
import { SUSPICIONS_PER_SENDER } from '@internal/mesh-gossip/suspicion-gate';
import { gossipEntry } from '../support/gossip-entry';

/** Who may make a live member suspect here: immunity after a refutation, corroboration, per-sender rate. */
const NOW = 1_800_000_000_000;
const TIMEOUT_MS = 3000;
const ROUND_MS = 1000;
/** max(2 rounds, a third of the timeout). */
const QUIET_MS = 2000;
const entry = (nodeId: string, heartbeat: number, over: Partial<GossipDigestEntry> = {}): GossipDigestEntry =>
  gossipEntry(nodeId, `http://127.0.0.1:${9000 + Number(nodeId.replace(/\D/g, '') || 0)}`, { heartbeat, ...over });
const suspicion = (nodeId: string, heartbeat = 10) => entry(nodeId, heartbeat, { state: 'suspect' });
const stateOf = (membership: GossipMembership, nodeId: string) => membership.view(NOW).find((m) => m.nodeId === nodeId)?.state;

function knowing(count: number): GossipMembership {
  const membership = new GossipMembership(entry('o', 0), 1);
  membership.suspicions.configure(TIMEOUT_MS, ROUND_MS);
  for (let i = 1; i <= count; i++) membership.merge([entry(`m${i}`, 10)], `m${i}`, NOW);
  return membership;
}

describe('the suspicion gate', () => {
  it('refuses a suspicion of a member heard from within the quiet period; adopts it after', () => {
    const membership = knowing(2);
    expect(membership.merge([suspicion('m1')], 'm2', NOW + QUIET_MS - 1)).toEqual([]);
    expect(membership.counters.refusedSuspicions).toBe(1);
    expect(stateOf(membership, 'm1')).toBe('alive');
    expect(membership.merge([suspicion('m1')], 'm2', NOW + QUIET_MS).map((c) => c.state)).toEqual(['suspect']);
  });

  it('a probe of the member running here, or relayed here without reaching it, corroborates at once', () => {
    const membership = knowing(2);
    let saw = false;
    membership.suspicions.corroborates = (nodeId) => saw && nodeId === 'm1';
    expect(membership.merge([suspicion('m1')], 'm2', NOW + 1)).toEqual([]);
    saw = true;
    expect(membership.merge([suspicion('m1')], 'm2', NOW + 2).map((c) => c.state)).toEqual(['suspect']);
  });

  it("the protocol's corroboration: a relayed probe that did not reach the member", () => {
    const policy = new GossipAddressPolicy(['127.0.0.0/8']);
    const relay = new GossipProtocol(entry('r', 0), 1, { policy });
    for (let i = 1; i <= 3; i++) relay.membership.merge([entry(`m${i}`, 10)], `m${i}`, NOW);
    const asked = relay.receive({ from: 'm2', members: [], probe: 'm1' }, NOW + 1);
    expect(relay.receive({ from: 'm3', members: [suspicion('m1')] }, NOW + 2).changes).toEqual([]);
    asked.relay?.answer(false, NOW + 3);
    expect(relay.receive({ from: 'm3', members: [suspicion('m1')] }, NOW + 4).changes.map((c) => c.state)).toEqual(['suspect']);
  });

  it('while the digest goes in windows, a second sender corroborates a suspicion refused from a first one, within one suspicion timeout', () => {
    const membership = knowing(4);
    membership.suspicions.configure(TIMEOUT_MS, ROUND_MS, true);
    expect(membership.merge([suspicion('m1')], 'm2', NOW + 1)).toEqual([]);
    // The same sender again is no second opinion.
    expect(membership.merge([suspicion('m1')], 'm2', NOW + 2)).toEqual([]);
    expect(membership.merge([suspicion('m1')], 'm3', NOW + 3).map((c) => c.state)).toEqual(['suspect']);
    // A second sender long after the first refusal is not.
    expect(membership.merge([suspicion('m4')], 'm2', NOW + 4)).toEqual([]);
    membership.merge([entry('m4', 11)], 'm4', NOW + 4 + TIMEOUT_MS);
    expect(membership.merge([suspicion('m4', 11)], 'm3', NOW + 5 + TIMEOUT_MS)).toEqual([]);
    expect(membership.counters.refusedSuspicions).toBe(4);
  });

  it('with the whole list in every message, a second sender does not corroborate: the member is heard from', () => {
    const membership = knowing(3);
    expect(membership.merge([suspicion('m1')], 'm2', NOW + 1)).toEqual([]);
    expect(membership.merge([suspicion('m1')], 'm3', NOW + 2)).toEqual([]);
    expect(stateOf(membership, 'm1')).toBe('alive');
  });

  it('a member back from suspect is immune to third-party suspicion for one suspicion timeout', () => {
    const membership = knowing(2);
    membership.merge([suspicion('m1')], 'm2', NOW + QUIET_MS);
    // m1 speaks for itself: refuted.
    membership.merge([entry('m1', 11)], 'm1', NOW + QUIET_MS + 1);
    const back = NOW + QUIET_MS + 1;
    // Even when quiet again, a suspicion within the timeout of the refutation is refused.
    expect(membership.merge([suspicion('m1', 11)], 'm2', back + TIMEOUT_MS - 1)).toEqual([]);
    expect(stateOf(membership, 'm1')).toBe('alive');
    expect(membership.merge([suspicion('m1', 11)], 'm2', back + TIMEOUT_MS).map((c) => c.state)).toEqual(['suspect']);
  });

  it(`one sender gets at most ${SUSPICIONS_PER_SENDER} suspicions adopted per suspicion timeout`, () => {
    const membership = knowing(SUSPICIONS_PER_SENDER + 3);
    const at = NOW + QUIET_MS;
    const adopted = Array.from({ length: SUSPICIONS_PER_SENDER + 2 }, (_, i) => membership.merge([suspicion(`m${i + 1}`)], 'x', at).length);
    expect(adopted.filter((n) => n === 1)).toHaveLength(SUSPICIONS_PER_SENDER);
    // Another sender is not affected; the same sender is, until its window passes.
    expect(membership.merge([suspicion(`m${SUSPICIONS_PER_SENDER + 3}`)], 'x', at + 1)).toEqual([]);
    expect(membership.merge([suspicion(`m${SUSPICIONS_PER_SENDER + 3}`)], 'y', at + 1)).toHaveLength(1);
    expect(membership.merge([suspicion(`m${SUSPICIONS_PER_SENDER + 1}`)], 'x', at + TIMEOUT_MS)).toHaveLength(1);
  });
});

describe('probe relays', () => {
  const policy = new GossipAddressPolicy(['127.0.0.0/8']);
  const relayNode = () => {
    const relay = new GossipProtocol(entry('r', 0), 1, { policy });
    for (let i = 1; i <= 8; i++) relay.membership.merge([entry(`m${i}`, 10)], `m${i}`, NOW);
    return relay;
  };
  const relayed = (relay: GossipProtocol, from: string, probe: string, at: number) => {
    const received = relay.receive({ from, members: [], probe }, at);
    received.relay?.answer(true, at);
    return received.relay !== undefined;
  };

  it(`relays at most ${PROBE_LIMITS.perRequester} probes per requester per window, whatever the members`, () => {
    const relay = relayNode();
    const results = Array.from({ length: 20 }, (_, i) => relayed(relay, 'm1', `m${2 + (i % 7)}`, NOW + i));
    // The per-member rate does not bind here: 7 members, at most 3 requests each.
    expect(results.filter(Boolean)).toHaveLength(PROBE_LIMITS.perRequester);
    expect(relay.probes.counters.rateLimited).toBe(20 - PROBE_LIMITS.perRequester);
    expect(relayed(relay, 'm1', 'm2', NOW + PROBE_LIMITS.windowMs)).toBe(true);
  });

  it(`relays at most ${PROBE_LIMITS.perTarget} probes of one member per window, whoever asks`, () => {
    const relay = relayNode();
    const results = ['m2', 'm3', 'm4', 'm5', 'm6', 'm7'].map((from, i) => relayed(relay, from, 'm1', NOW + i));
    expect(results.filter(Boolean)).toHaveLength(PROBE_LIMITS.perTarget);
    expect(relayed(relay, 'm8', 'm2', NOW + 10)).toBe(true);
  });

  it("answers a probe request with the relay's own entry only (no digest page to amplify)", () => {
    const relay = relayNode();
    const received = relay.receive({ from: 'm2', members: [], probe: 'nobody' }, NOW);
    expect((JSON.parse(received.reply ?? '{}') as { members: Array<{ nodeId: string }> }).members.map((m) => m.nodeId)).toEqual(['r']);
  });
});
