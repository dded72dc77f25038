import type { GossipRoundTiming } from '@omnirelay/mesh-gossip';
import { SimulatedMesh, type SimulatedMember, type SimulatedMeshOptions } from '../../bench/support/simulated-mesh';

/**
 * The simulator behind the convergence bench, on a small mesh: it must replay exactly from a seed,
 * spread a join to everyone through the real protocol, and see a crash as the real sweep does.
 * Everything is virtual time, so the bounds are exact consequences of the configured timings.
 */
const TIMING: GossipRoundTiming = { roundIntervalMs: 1000, fanout: 3, suspicionTimeoutMs: 5000, forgetAfterMs: 600_000 };
const options = (seed: number, loss = 0): SimulatedMeshOptions => ({
  seed,
  timing: TIMING,
  network: { latencyMedianMs: 10, latencySigma: 0.4, loss },
  signed: true,
});

/** A join in a mesh of `size`: when each other member first heard of the newcomer, in virtual ms. */
function joinTrace(size: number, seed: number, loss = 0) {
  const mesh = SimulatedMesh.settled(size, options(seed, loss));
  mesh.runFor(2 * TIMING.roundIntervalMs);
  const joiner = mesh.join();
  const startedAt = mesh.now;
  const heard = new Map<string, number>();
  mesh.onChanges = (observer, changes, now) => {
    if (observer !== joiner && !heard.has(observer.nodeId) && changes.some((change) => change.info.nodeId === joiner.nodeId)) heard.set(observer.nodeId, now - startedAt);
  };
  const everyone = mesh.runFor(60 * TIMING.roundIntervalMs, () => heard.size === size);
  return { mesh, joiner, heard, everyone, traffic: { ...mesh.traffic }, events: mesh.scheduler.eventsRun };
}

describe('the simulated gossip mesh of the convergence bench', () => {
  it('replays exactly from a seed, and another seed makes another run', () => {
    const first = joinTrace(16, 42, 0.05);
    const again = joinTrace(16, 42, 0.05);
    const other = joinTrace(16, 43, 0.05);
    expect([...again.heard]).toEqual([...first.heard]);
    expect([again.traffic, again.events]).toEqual([first.traffic, first.events]);
    expect([...other.heard]).not.toEqual([...first.heard]);
  });

  it('spreads a join to every member through signed messages, and the newcomer learns everyone', () => {
    const { mesh, joiner, everyone, traffic } = joinTrace(24, 7);
    expect(everyone).toBe(true);
    expect(traffic.refused).toBe(0);
    expect(traffic.messages).toBeGreaterThan(0);
    mesh.runFor(10 * TIMING.roundIntervalMs, () => joiner.protocol.membership.stateCounts().alive === 24);
    for (const member of mesh.live()) {
      expect([member.nodeId, member.protocol.membership.stateCounts()]).toEqual([member.nodeId, { alive: 24, suspect: 0, dead: 0, left: 0 }]);
    }
  });

  it('loses and delays messages as configured: no loss, no lost message; 20% loss, about a fifth', () => {
    const clean = SimulatedMesh.settled(10, options(3, 0));
    clean.runFor(20 * TIMING.roundIntervalMs);
    expect(clean.traffic.lost).toBe(0);
    const lossy = SimulatedMesh.settled(10, options(3, 0.2));
    lossy.runFor(20 * TIMING.roundIntervalMs);
    const share = lossy.traffic.lost / lossy.traffic.messages;
    expect(share).toBeGreaterThan(0.1);
    expect(share).toBeLessThan(0.3);
  });

  it('a crashed leader is suspected, then dead for every member within twice the suspicion timeout and a few rounds; all agree on a new leader; nobody else is suspected', () => {
    const mesh = SimulatedMesh.settled(30, options(5));
    mesh.runFor(3 * TIMING.roundIntervalMs);
    mesh.trackLeadership();
    const [first] = mesh.live();
    const leaderId = first ? mesh.leaderOf(first, 'global') : undefined;
    expect(leaderId).toBeDefined();
    expect(mesh.live().every((member) => mesh.leaderOf(member, 'global') === leaderId)).toBe(true);
    const victim = mesh.live().find((member) => member.nodeId === leaderId) as SimulatedMember;
    mesh.kill(victim);
    const crashedAt = mesh.now;
    const deadAt = new Map<string, number>();
    const wronglySuspected: string[] = [];
    mesh.onChanges = (observer, changes, now) => {
      for (const change of changes) {
        if (change.info.nodeId === victim.nodeId && change.state === 'dead') deadAt.set(observer.nodeId, now - crashedAt);
        if (change.info.nodeId !== victim.nodeId && change.state !== 'alive') wronglySuspected.push(`${observer.nodeId} -> ${change.info.nodeId}`);
      }
    };
    // Dead: silent for more than twice the suspicion timeout, seen at a sweep (once a round).
    const bound = 2 * TIMING.suspicionTimeoutMs + 3 * TIMING.roundIntervalMs;
    const survivors = mesh.live();
    expect(mesh.runFor(bound, () => deadAt.size === survivors.length)).toBe(true);
    expect(Math.max(...deadAt.values())).toBeLessThanOrEqual(bound);
    // Never before half the timeout after the first suspicion: confirmed suspicions end sooner (Lifeguard), down to half.
    expect(Math.min(...deadAt.values())).toBeGreaterThan(TIMING.suspicionTimeoutMs / 2);
    expect(wronglySuspected).toEqual([]);
    const leaders = new Set(survivors.map((member) => mesh.leaderOf(member, 'global')));
    expect(leaders.size).toBe(1);
    expect(leaders.has(victim.nodeId)).toBe(false);
    expect(leaders.has(undefined)).toBe(false);
  });

  it('a silent crashed member is suspected through indirect probes, and the suspicion reaches every member before silence alone could (virtual time)', () => {
    const mesh = SimulatedMesh.settled(30, { ...options(6), crash: 'silent' });
    mesh.runFor(3 * TIMING.roundIntervalMs);
    const [victim] = mesh.live();
    if (!victim) throw new Error('empty mesh');
    mesh.kill(victim);
    const crashedAt = mesh.now;
    const suspectedBy = new Set<string>();
    mesh.onChanges = (observer, changes) => {
      for (const change of changes) if (change.info.nodeId === victim.nodeId && change.state === 'suspect') suspectedBy.add(observer.nodeId);
    };
    const survivors = mesh.live();
    // Silence alone suspects only after the suspicion timeout; the probe path must beat it.
    expect(mesh.runFor(TIMING.suspicionTimeoutMs, () => suspectedBy.size === survivors.length)).toBe(true);
    expect(mesh.now - crashedAt).toBeLessThan(TIMING.suspicionTimeoutMs);
    expect(survivors.some((member) => member.protocol.probes.counters.suspected > 0)).toBe(true);
    expect(mesh.suspicions.ofLive).toBe(0);
  });
});
