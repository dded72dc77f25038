import { createHash } from 'node:crypto';
import fc from 'fast-check';
import type { GossipMemberView } from '@omnirelay/mesh-gossip';
import { GossipLeadershipStore } from '@omnirelay/mesh-leadership';
import { gossipEntry } from '../support/gossip-entry';

// The embedded election keeps its candidates' rendezvous scores between elections; its slow twin
// hashes every candidate for every scope each time. Over random sequences of membership views
// (members joining, leaving, turning suspect, heard first- or second-hand, changing role), one store
// fed the whole sequence elects what the plain rule elects from each view alone.

const SCOPES = ['global', 'dispatch', 'region/eu'];
const CANDIDATE_ROLES = new Set(['control-plane']);

const member = fc.record({
  n: fc.nat(24),
  role: fc.constantFrom('control-plane', 'control-plane', 'worker'),
  state: fc.constantFrom<GossipMemberView['state']>('alive', 'alive', 'alive', 'suspect', 'dead'),
  firstHand: fc.boolean(),
});

function viewOf(members: ReadonlyArray<{ n: number; role: string; state: GossipMemberView['state']; firstHand: boolean }>): GossipMemberView[] {
  const byId = new Map<string, GossipMemberView>();
  for (const m of members) {
    const nodeId = `node-${m.n}`;
    const { incarnation, heartbeat, ...info } = gossipEntry(nodeId, `http://127.0.0.1:${21_000 + m.n}`, { role: m.role });
    byId.set(nodeId, { ...info, incarnation, heartbeat, state: m.state, lastChangeAgoMs: 0, self: false, firstHand: m.firstHand });
  }
  return [...byId.values()];
}

/** The plain rule: the alive, first-hand candidate with the highest SHA-256 of scope and id. */
function plainLeader(scope: string, view: readonly GossipMemberView[]): string | undefined {
  let leader: string | undefined;
  let best = '';
  for (const m of view) {
    if (m.state !== 'alive' || !m.firstHand || !CANDIDATE_ROLES.has(m.role)) continue;
    const score = createHash('sha256').update(`${scope}\u0000${m.nodeId}`).digest('hex');
    if (score > best) {
      best = score;
      leader = m.nodeId;
    }
  }
  return leader;
}

describe('the embedded election', () => {
  it('elects from each view what the plain rule elects, whatever came before', () => {
    fc.assert(
      fc.property(fc.array(fc.array(member, { maxLength: 20 }), { minLength: 1, maxLength: 12 }), (views) => {
        const store = new GossipLeadershipStore(SCOPES, CANDIDATE_ROLES, () => 0);
        for (const members of views) {
          const view = viewOf(members);
          store.update(view);
          const leaders = store.leaders().map(({ scope, leaderId }) => [scope, leaderId]);
          expect(leaders).toEqual(SCOPES.map((scope) => [scope, plainLeader(scope, view)]));
        }
      }),
      { numRuns: 300 },
    );
  });
});
