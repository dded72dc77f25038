import { GossipMessageError, type GossipDigestEntry } from '@omnirelay/mesh-gossip';
import { parseGossipMessage } from '@internal/mesh-gossip/gossip-message';
import { GossipMembership } from '@internal/mesh-gossip/membership/gossip-membership';
import { GossipLeadershipStore } from '@omnirelay/mesh-leadership';

const info = (nodeId: string, role = 'worker') => ({
  nodeId,
  url: `http://127.0.0.1:${9000 + nodeId.length}`,
  role,
  cluster: 'local',
  region: 'eu',
  meshVersion: '1.4.0',
  http3: false,
  labels: {},
});
const entry = (nodeId: string, heartbeat: number, over: Partial<GossipDigestEntry> = {}): GossipDigestEntry => ({
  ...info(nodeId),
  incarnation: 1,
  heartbeat,
  state: 'alive',
  ...over,
});

describe('GossipMembership', () => {
  it('adds new members, takes only newer versions, and reports what changed', () => {
    const membership = new GossipMembership(info('self'), 1);
    expect(membership.merge([entry('a', 1)], 'a', 0)).toEqual([expect.objectContaining({ state: 'alive', previous: undefined, progressed: true, infoChanged: true })]);
    expect(membership.merge([entry('a', 1)], 'a', 10)).toEqual([]);
    expect(membership.merge([entry('a', 0)], 'a', 10)).toEqual([]);
    expect(membership.merge([entry('a', 2, { region: 'us' })], 'a', 10)).toEqual([
      expect.objectContaining({ progressed: true, infoChanged: true, previous: 'alive' }),
    ]);
    expect(membership.merge([entry('self', 99)], 'self', 10)).toEqual([]);
  });

  it('prefers a new incarnation over any heartbeat of the old one (a restart)', () => {
    const membership = new GossipMembership(info('self'), 1);
    membership.merge([entry('a', 500)], 'a', 0);
    const changes = membership.merge([entry('a', 1, { incarnation: 2 })], 'a', 5);
    expect(changes).toHaveLength(1);
    expect(membership.view(5).find((m) => m.nodeId === 'a')).toMatchObject({ incarnation: 2, heartbeat: 1 });
  });

  it('marks silent members suspect, then dead, then forgets them', () => {
    const membership = new GossipMembership(info('self'), 1);
    membership.merge([entry('a', 1)], 'a', 0);
    expect(membership.sweep(1000, { silenceMs: 1000, suspicionMs: 1000, forgetAfterMs: 60_000 })).toEqual([]);
    expect(membership.sweep(1001, { silenceMs: 1000, suspicionMs: 1000, forgetAfterMs: 60_000 })).toEqual([expect.objectContaining({ previous: 'alive', state: 'suspect' })]);
    expect(membership.sweep(2001, { silenceMs: 1000, suspicionMs: 1000, forgetAfterMs: 60_000 })).toEqual([expect.objectContaining({ previous: 'suspect', state: 'dead' })]);
    expect([...membership.digest()].map((e) => e.nodeId)).toEqual(['self']);
    membership.sweep(70_000, { silenceMs: 1000, suspicionMs: 1000, forgetAfterMs: 60_000 });
    expect(membership.view(70_000).map((m) => m.nodeId)).toEqual(['self']);
  });

  it('revives a suspect member whose heartbeat advances', () => {
    const membership = new GossipMembership(info('self'), 1);
    membership.merge([entry('a', 1)], 'a', 0);
    membership.sweep(1500, { silenceMs: 1000, suspicionMs: 1000, forgetAfterMs: 60_000 });
    expect(membership.merge([entry('a', 2)], 'a', 1600)).toEqual([expect.objectContaining({ previous: 'suspect', state: 'alive' })]);
  });

  it('takes a member\'s own goodbye: its left entry at the same version replaces alive', () => {
    const membership = new GossipMembership(info('self'), 1);
    membership.merge([entry('a', 3)], 'a', 0);
    expect(membership.merge([entry('a', 3, { state: 'left' })], 'a', 1)).toEqual([expect.objectContaining({ previous: 'alive', state: 'left' })]);
    membership.leave();
    expect(membership.selfEntry()).toMatchObject({ state: 'left', heartbeat: 1 });
  });
});

describe('gossip messages from other nodes', () => {
  it('rejects a malformed envelope with a typed error', () => {
    for (const body of [null, 'x', [], { members: [] }, { from: '', members: [] }, { from: 'a', members: {} }]) {
      expect(() => parseGossipMessage(body)).toThrow(GossipMessageError);
    }
    expect(() => parseGossipMessage({ from: 'a', members: new Array(2000).fill(null) })).toThrow(/more than/);
  });

  it('drops malformed entries one by one and keeps the good ones', () => {
    const good = entry('ok', 1);
    const bad = [
      { ...good, nodeId: '' },
      { ...good, url: 'ftp://x/' },
      { ...good, url: 'http://x/path' },
      { ...good, heartbeat: -1 },
      { ...good, incarnation: 1.5 },
      { ...good, state: 'dead' },
      { ...good, http3: 'yes' },
      { ...good, labels: { k: 7 } },
      { ...good, role: 'x'.repeat(300) },
      { ...good, nodeId: 'a\u0000b' },
      42,
    ];
    const { message, dropped } = parseGossipMessage({ from: 'peer', members: [good, ...bad] });
    expect(message.members.map((m) => m.nodeId)).toEqual(['ok']);
    expect(dropped).toBe(bad.length);
  });
});

describe('GossipLeadershipStore', () => {
  const view = (ids: Array<[string, string, 'alive' | 'suspect' | 'dead']>) =>
    ids.map(([nodeId, role, state]) => ({ ...info(nodeId, role), incarnation: 1, heartbeat: 1, state, lastChangeAgoMs: 0, self: false, firstHand: true }));

  it('elects one alive candidate per scope, the same on every node, and hands over with a higher term', () => {
    const a = new GossipLeadershipStore(['global', 'shard-00'], new Set(['control-plane']));
    const b = new GossipLeadershipStore(['global', 'shard-00'], new Set(['control-plane']));
    const members = view([
      ['cp-1', 'control-plane', 'alive'],
      ['cp-2', 'control-plane', 'alive'],
      ['w-1', 'worker', 'alive'],
    ]);
    a.update(members);
    b.update([...members].reverse());
    expect(a.leaders().map((l) => l.leaderId)).toEqual(b.leaders().map((l) => l.leaderId));
    for (const leader of a.leaders()) expect(['cp-1', 'cp-2']).toContain(leader.leaderId);

    const global = a.leaders()[0];
    const changes: string[] = [];
    a.onChange((l) => changes.push(`${l.scope}:${l.leaderId ?? '-'}:${l.term}`));
    a.update(members.map((m) => (m.nodeId === global?.leaderId ? { ...m, state: 'suspect' as const } : m)));
    const next = a.leaders()[0];
    expect(next?.leaderId).not.toBe(global?.leaderId);
    expect(next?.term).toBe((global?.term ?? 0) + 1);
    expect(changes).toContain(`global:${next?.leaderId ?? ''}:${next?.term ?? 0}`);
  });

  it('has no leader while no candidate is alive, and terms keep growing', () => {
    const store = new GossipLeadershipStore(['global'], new Set(['control-plane']));
    store.update(view([['cp-1', 'control-plane', 'alive']]));
    store.update(view([['cp-1', 'control-plane', 'dead']]));
    expect(store.leaders()[0]).toMatchObject({ leaderId: undefined, term: 2 });
    store.update(view([['cp-1', 'control-plane', 'alive']]));
    expect(store.leaders()[0]).toMatchObject({ leaderId: 'cp-1', term: 3 });
    expect(store.participants()).toEqual(['cp-1']);
  });
});
