import fc from 'fast-check';
import { GossipAddressPolicy, GossipProtocol, type GossipDigestEntry, type GossipMemberView } from '@omnirelay/mesh-gossip';
import type { MemberRecord } from '@internal/mesh-gossip/membership/member-record';
import type { MemberTable } from '@internal/mesh-gossip/membership/member-table';
import { gossipEntry } from '../support/gossip-entry';

// The membership view (built after every batch of membership changes) writes each member's fields out
// one by one; its slow twin spreads the member's info as the view once did. From random histories of
// merges (info that changes, states, first- and second-hand) and sweeps (suspect, dead), both give
// the same bytes.

const NOW = 1_800_000_000_000;
const policy = new GossipAddressPolicy(['127.0.0.0/8']);

const claim = fc.record({
  member: fc.nat(15),
  incarnation: fc.integer({ min: 1, max: 3 }),
  heartbeat: fc.nat(6),
  state: fc.constantFrom<GossipDigestEntry['state']>('alive', 'alive', 'suspect', 'left'),
  role: fc.constantFrom('worker', 'control-plane', 'dispatcher'),
  region: fc.constantFrom('eu', 'us', ''),
  labels: fc.dictionary(fc.constantFrom('zone', 'rack', 'tier'), fc.string({ maxLength: 4 }), { maxKeys: 2 }),
  http3: fc.boolean(),
  firstHand: fc.boolean(),
  after: fc.nat(5_000),
  /** A sweep after this claim (silence and suspicion of 3 s): members turn suspect, then dead. */
  sweep: fc.boolean(),
});

/** The view as a spread of each record's info: the slow twin. */
function spreadView(node: GossipProtocol, now: number): GossipMemberView[] {
  const table = node.membership['table'] as MemberTable;
  const self: GossipMemberView = {
    ...node.membership.selfInfo,
    incarnation: node.membership.incarnation,
    heartbeat: node.membership.selfEntry().heartbeat,
    state: node.membership.selfEntry().state,
    lastChangeAgoMs: 0,
    self: true,
    firstHand: true,
  };
  const others = [...table.values()].map(
    (member: MemberRecord): GossipMemberView => ({
      ...member.info,
      incarnation: member.incarnation,
      heartbeat: member.heartbeat,
      state: member.state,
      lastChangeAgoMs: Math.max(0, now - member.changedAt),
      self: false,
      firstHand: member.selfSaid !== undefined,
    }),
  );
  return [self, ...others].sort((a, b) => (a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0));
}

describe('the membership view', () => {
  it('gives the bytes of a spread of each member\'s info, in the same order', () => {
    fc.assert(
      fc.property(fc.array(claim, { maxLength: 60 }), fc.nat(20_000), (claims, later) => {
        const node = new GossipProtocol(gossipEntry('m-self', 'http://127.0.0.1:19999', { labels: { zone: 'a' } }), 1, { policy });
        let now = NOW;
        for (const c of claims) {
          now += c.after;
          const id = `m-${String(c.member).padStart(2, '0')}`;
          const entry = gossipEntry(id, `http://127.0.0.1:${20_000 + c.member}`, {
            incarnation: c.incarnation,
            heartbeat: c.heartbeat,
            state: c.state,
            role: c.role,
            region: c.region,
            labels: c.labels,
            http3: c.http3,
          });
          node.membership.merge([entry], c.firstHand ? id : 'seed', now);
          if (c.sweep) node.membership.sweep(now, { silenceMs: 3_000, suspicionMs: 3_000, forgetAfterMs: 60_000 });
        }
        const at = now + later;
        const view = node.membership.view(at);
        expect(JSON.stringify(view)).toBe(JSON.stringify(spreadView(node, at)));
        expect(view.map((member) => Object.keys(member).join())).toEqual(spreadView(node, at).map((member) => Object.keys(member).join()));
      }),
      { numRuns: 300 },
    );
  });
});
