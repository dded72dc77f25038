import type { GossipDigestEntry } from '@omnirelay/mesh-gossip';
import { GossipMembership } from '@internal/mesh-gossip/membership/gossip-membership';
import { GossipLeadershipStore } from '@omnirelay/mesh-leadership';
import { gossipEntry } from '../support/gossip-entry';

const MAX = Number.MAX_SAFE_INTEGER;
const entry = (nodeId: string, heartbeat: number, over: Partial<GossipDigestEntry> = {}): GossipDigestEntry =>
  gossipEntry(nodeId, `http://127.0.0.1:${9000 + nodeId.length}`, { role: 'control-plane', heartbeat, ...over });
const stateOf = (membership: GossipMembership, nodeId: string) => membership.view(0).find((m) => m.nodeId === nodeId);

describe('who may say what about a member (SWIM ownership)', () => {
  it('ignores a left announced by someone else, even at incarnation 2^53-1, and counts it', () => {
    const membership = new GossipMembership(entry('self', 0), 1);
    membership.merge([entry('x', 3)], 'x', 0);
    expect(membership.merge([entry('x', 3, { state: 'left', incarnation: MAX })], 'attacker', 1)).toEqual([]);
    expect(membership.merge([entry('x', MAX, { state: 'left' })], 'attacker', 1)).toEqual([]);
    expect(stateOf(membership, 'x')).toMatchObject({ state: 'alive', incarnation: 1, heartbeat: 3 });
    expect(membership.counters.ignoredClaims).toBe(2);
    // An unknown member's "departure" leaves no tombstone either.
    membership.merge([entry('ghost', 1, { state: 'left' })], 'attacker', 1);
    expect(stateOf(membership, 'ghost')).toBeUndefined();
  });

  it('refuses a third party raising a member\'s incarnation, but carries its heartbeat forward at the known incarnation', () => {
    const membership = new GossipMembership(entry('self', 0), 1);
    membership.merge([entry('x', 3)], 'x', 0);
    expect(membership.merge([entry('x', 1, { incarnation: 2 })], 'y', 1)).toEqual([]);
    expect(membership.counters.ignoredClaims).toBe(1);
    expect(membership.merge([entry('x', 4)], 'y', 2)).toEqual([expect.objectContaining({ progressed: true, state: 'alive' })]);
    expect(stateOf(membership, 'x')).toMatchObject({ incarnation: 1, heartbeat: 4 });
    // A relay does not change the member's address or metadata.
    membership.merge([entry('x', 5, { url: 'http://127.0.0.9:1', role: 'worker' })], 'y', 3);
    expect(stateOf(membership, 'x')).toMatchObject({ heartbeat: 5, url: entry('x', 0).url, role: 'control-plane' });
  });

  it('lets the member itself leave, restart with a new incarnation, and correct what was forged in its name', () => {
    const membership = new GossipMembership(entry('self', 0), 1);
    membership.merge([entry('x', 3)], 'x', 0);
    membership.merge([entry('x', 9_999_999)], 'y', 1); // a relay pumps the heartbeat
    expect(membership.merge([entry('x', 4)], 'x', 2)).toEqual([expect.objectContaining({ progressed: true })]);
    expect(stateOf(membership, 'x')).toMatchObject({ heartbeat: 4 });

    expect(membership.merge([entry('x', 4, { state: 'left' })], 'x', 3)).toEqual([expect.objectContaining({ state: 'left', previous: 'alive' })]);
    // Only x brings x back; a relay's heartbeat does not.
    expect(membership.merge([entry('x', 5)], 'y', 4)).toEqual([]);
    expect(membership.merge([entry('x', 1, { incarnation: 7 })], 'x', 5)).toEqual([expect.objectContaining({ state: 'alive', previous: 'left' })]);

    // Someone impersonating x (possible only without a gossip key) says it left at 2^53-1: the real
    // x's next message, at its real incarnation, heals it.
    membership.merge([entry('x', 0, { incarnation: MAX, state: 'left' })], 'x', 6);
    expect(stateOf(membership, 'x')).toMatchObject({ state: 'left' });
    membership.merge([entry('x', 2, { incarnation: 7 })], 'x', 7);
    expect(stateOf(membership, 'x')).toMatchObject({ state: 'alive', incarnation: 7 });
  });

  it('flags members heard only second-hand, and leadership ignores them', () => {
    const membership = new GossipMembership(entry('self', 0, { role: 'worker' }), 1);
    membership.merge([entry('cp-1', 1)], 'cp-1', 0);
    // cp-1 introduces a "member" that has never spoken to us; whatever its id, it does not lead.
    const forged = Array.from({ length: 50 }, (_, i) => entry(`forged-${i}`, 1));
    membership.merge(forged, 'cp-1', 0);
    const view = membership.view(0);
    expect(view.find((m) => m.nodeId === 'cp-1')?.firstHand).toBe(true);
    expect(view.filter((m) => m.nodeId.startsWith('forged-')).every((m) => !m.firstHand && m.state === 'alive')).toBe(true);

    const store = new GossipLeadershipStore(['global', 'shard-00', 'shard-01', 'shard-02'], new Set(['control-plane']));
    store.update(view);
    expect(store.leaders().map((l) => l.leaderId)).toEqual(['cp-1', 'cp-1', 'cp-1', 'cp-1']);
    // Once it speaks for itself it counts.
    membership.merge([entry('forged-0', 2)], 'forged-0', 1);
    store.update(membership.view(1));
    expect(store.leaders().some((l) => l.leaderId === 'forged-0')).toBe(true);
  });
});

describe('membership bounds', () => {
  it('refuses members past the cap and counts them, making room by forgetting tombstones first', () => {
    const membership = new GossipMembership(entry('self', 0), 1, { maxMembers: 10, maxTombstones: 5 });
    membership.merge(Array.from({ length: 10 }, (_, i) => entry(`m-${i}`, 1)), 'relay', 0);
    membership.merge(Array.from({ length: 5 }, (_, i) => entry(`extra-${i}`, 1)), 'relay', 1);
    expect(membership.size).toBe(10);
    expect(membership.counters.refusedMembers).toBe(5);
    // m-0 leaves (first-hand): a tombstone, forgotten to admit a new member.
    membership.merge([entry('m-0', 1, { state: 'left' })], 'm-0', 2);
    expect(membership.tombstoneCount).toBe(1);
    membership.merge([entry('newcomer', 1)], 'newcomer', 3);
    expect(stateOf(membership, 'newcomer')).toBeDefined();
    expect(stateOf(membership, 'm-0')).toBeUndefined();
    expect(membership.counters.compactedTombstones).toBe(1);
  });

  it('keeps at most maxTombstones left or dead members, forgetting the oldest first', () => {
    const membership = new GossipMembership(entry('self', 0), 1, { maxMembers: 100, maxTombstones: 3 });
    for (let i = 0; i < 8; i++) {
      membership.merge([entry(`t-${i}`, 1)], `t-${i}`, i);
      membership.merge([entry(`t-${i}`, 1, { state: 'left' })], `t-${i}`, 10 + i);
    }
    expect(membership.tombstoneCount).toBe(3);
    expect(membership.size).toBe(3);
    expect(membership.view(100).map((m) => m.nodeId)).toEqual(['self', 't-5', 't-6', 't-7']);
    expect(membership.counters.compactedTombstones).toBe(5);
    // Members declared dead by the sweep are tombstones too.
    membership.merge([entry('alive-1', 1), entry('alive-2', 1)], 'relay', 100);
    membership.sweep(100 + 1001, { silenceMs: 1000, suspicionMs: 1000, forgetAfterMs: 60_000 }); // suspect
    membership.sweep(100 + 2001, { silenceMs: 1000, suspicionMs: 1000, forgetAfterMs: 60_000 }); // dead
    expect(membership.tombstoneCount).toBe(3);
    expect(membership.view(5000).map((m) => m.nodeId)).toEqual(['alive-1', 'alive-2', 'self', 't-7']);
  });
});
