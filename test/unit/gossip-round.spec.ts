import { GossipAddressPolicy, GossipProtocol, type GossipDigestEntry, type GossipRoundTiming } from '@omnirelay/mesh-gossip';
import { gossipEntry } from '../support/gossip-entry';
import { UNHEARD_GRACE_ROUNDS } from '@internal/mesh-gossip/gossip-protocol';

/** GossipProtocol.openRound: what the service's timer and the convergence bench's virtual clock both call. */
const policy = new GossipAddressPolicy(['127.0.0.0/8']);
const TIMING: GossipRoundTiming = { roundIntervalMs: 1000, fanout: 3, suspicionTimeoutMs: 5000, forgetAfterMs: 600_000 };
const NOW = 1_800_000_000_000;
const entry = (i: number): GossipDigestEntry => gossipEntry(`m-${i}`, `http://127.0.0.1:${20_000 + i}`);
const node = () => new GossipProtocol({ ...entry(0), nodeId: 'self', url: 'http://127.0.0.1:1' }, 1, { policy });

describe('GossipProtocol.openRound', () => {
  it('with no member known, contacts the seeds; with members, up to fan-out distinct live members and no seed', () => {
    const lonely = node();
    expect(lonely.openRound(NOW, TIMING, ['http://127.0.0.1:9']).targets).toEqual(['http://127.0.0.1:9']);
    const busy = node();
    busy.membership.merge(Array.from({ length: 10 }, (_, i) => entry(i + 1)), 'relay', NOW);
    const { targets } = busy.openRound(NOW, TIMING, ['http://127.0.0.1:9']);
    expect(targets).toHaveLength(3);
    expect(new Set(targets).size).toBe(3);
    expect(targets.every((url) => /^http:\/\/127\.0\.0\.1:200(0[1-9]|10)$/.test(url))).toBe(true);
  });

  it('beats once per round, and sweeps with the suspicion timeout: suspect after it, dead after twice it, never contacted once dead', () => {
    const protocol = node();
    protocol.membership.merge([entry(1)], 'm-1', NOW - 1000);
    // Heard from since it was learnt (its heartbeat moved): the plain timeout applies.
    protocol.membership.merge([{ ...entry(1), heartbeat: 2 }], 'm-1', NOW);
    const beats = (): number => protocol.membership.selfEntry().heartbeat;
    const before = beats();
    expect(protocol.openRound(NOW + 1000, TIMING, []).changes).toEqual([]);
    expect(beats()).toBe(before + 1);
    const suspect = protocol.openRound(NOW + TIMING.suspicionTimeoutMs + 1, TIMING, []);
    expect(suspect.changes.map((change) => [change.info.nodeId, change.state])).toEqual([['m-1', 'suspect']]);
    expect(suspect.targets).toEqual([entry(1).url]);
    const dead = protocol.openRound(NOW + 2 * TIMING.suspicionTimeoutMs + 1, TIMING, ['http://127.0.0.1:9']);
    expect(dead.changes.map((change) => [change.info.nodeId, change.state])).toEqual([['m-1', 'dead']]);
    expect(dead.targets).toEqual(['http://127.0.0.1:9']);
    expect(beats()).toBe(before + 3);
  });

  it('a member not heard from since it was learnt is suspected only after the timeout and two more rounds (its first heartbeat travels a whole dissemination)', () => {
    const protocol = node();
    protocol.membership.merge([entry(1)], 'relay', NOW);
    const grace = UNHEARD_GRACE_ROUNDS * TIMING.roundIntervalMs;
    expect(protocol.openRound(NOW + TIMING.suspicionTimeoutMs + grace, TIMING, []).changes).toEqual([]);
    const suspect = protocol.openRound(NOW + TIMING.suspicionTimeoutMs + grace + 1, TIMING, []);
    expect(suspect.changes.map((change) => [change.info.nodeId, change.state])).toEqual([['m-1', 'suspect']]);
    const dead = protocol.openRound(NOW + 2 * TIMING.suspicionTimeoutMs + grace + 1, TIMING, []);
    expect(dead.changes.map((change) => [change.info.nodeId, change.state])).toEqual([['m-1', 'dead']]);
  });

  it('picks with the random source it is given: the same source, the same targets', () => {
    const make = () => {
      const protocol = node();
      protocol.membership.merge(Array.from({ length: 50 }, (_, i) => entry(i + 1)), 'relay', NOW);
      let seed = 5;
      return { protocol, random: () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31 };
    };
    const a = make();
    const b = make();
    const rounds = (x: ReturnType<typeof make>) => Array.from({ length: 5 }, (_, i) => x.protocol.openRound(NOW + i * 1000, TIMING, [], x.random).targets);
    expect(rounds(a)).toEqual(rounds(b));
  });

  it('vouches for every alive member while the digest goes in windows, for none while it goes whole', () => {
    const windowed = new GossipProtocol({ ...entry(0), nodeId: 'self', url: 'http://127.0.0.1:1' }, 1, { policy, sendDigestEntries: 2 });
    windowed.membership.merge(Array.from({ length: 6 }, (_, i) => entry(i + 1)), 'relay', NOW);
    const version = windowed.membership.versionOf('m-6');
    expect(version && windowed.membership.suspect(version, NOW)?.state).toBe('suspect');
    windowed.request(NOW);
    expect([...windowed.openRound(NOW, TIMING, []).vouched].sort()).toEqual(['m-1', 'm-2', 'm-3', 'm-4', 'm-5']);
    const whole = node();
    whole.membership.merge(Array.from({ length: 5 }, (_, i) => entry(i + 1)), 'relay', NOW);
    whole.request(NOW);
    expect(whole.openRound(NOW, TIMING, []).vouched).toEqual([]);
  });
});
