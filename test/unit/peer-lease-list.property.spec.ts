import fc from 'fast-check';
import { ManualClock, PeerLeaseHealthTracker, type PeerLeaseHandle } from '@omnirelay/peer-health';
import { LEASE_INDEX_FROM } from '@internal/peer-health/tracker/peer-collections';

// A peer's leases: a sorted list, indexed by lease id and searched by halves once the peer holds many
// (peer-collections). Its slow twin is a plain map by lease id, sorted whole after every step. Random
// sequences of assignments (new leases, and a lease id again with another sequence id or attempt),
// heartbeats naming a lease (listed if unknown) and releases go through the tracker; the list grows
// past the index's threshold and shrinks below half of it. After every step the peer's active leases
// are the model's, and a release of an unknown lease counts the same anomalies. The caller reuses one
// handle object for every call and changes it after each: nothing the tracker keeps may follow it.

const IDS = Array.from({ length: 80 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);

type Step =
  | { readonly kind: 'assign' | 'heartbeat'; readonly id: number; readonly sequenceId: number; readonly attempt: number }
  | { readonly kind: 'release'; readonly id: number };

const lease = (kind: 'assign' | 'heartbeat'): fc.Arbitrary<Step> =>
  fc.record({ kind: fc.constant(kind), id: fc.nat(IDS.length - 1), sequenceId: fc.nat(40), attempt: fc.nat(3) });
const release: fc.Arbitrary<Step> = fc.record({ kind: fc.constant('release' as const), id: fc.nat(IDS.length - 1) });
const mixed = fc.oneof({ weight: 3, arbitrary: lease('assign') }, { weight: 1, arbitrary: lease('heartbeat') }, { weight: 1, arbitrary: release });
/** Mostly assignments (the list grows past the threshold), then releases (it shrinks below half of it), then anything. */
const steps = fc
  .tuple(fc.array(mixed, { minLength: 60, maxLength: 150 }), fc.array(release, { minLength: 100, maxLength: 200 }), fc.array(mixed, { maxLength: 100 }))
  .map(([grow, shrink, more]) => [...grow, ...shrink, ...more]);

/** The wire order, written out plainly: sequence id, then attempt, then lease id by UTF-16 code units. */
function plainOrder(a: PeerLeaseHandle, b: PeerLeaseHandle): number {
  if (a.sequenceId !== b.sequenceId) return a.sequenceId < b.sequenceId ? -1 : 1;
  if (a.attempt !== b.attempt) return a.attempt < b.attempt ? -1 : 1;
  return a.leaseId < b.leaseId ? -1 : a.leaseId > b.leaseId ? 1 : 0;
}

const leaseId = (id: number): string => IDS[id] ?? '';

describe('a peer lease list (sorted, indexed by id when long)', () => {
  it('holds what a plain sorted map holds, after every assignment, heartbeat and release', () => {
    let longest = 0;
    let shrunk = false;
    fc.assert(
      fc.property(steps, (sequence) => {
        const tracker = new PeerLeaseHealthTracker({ clock: new ManualClock(Date.UTC(2026, 11, 8)) });
        const model = new Map<string, PeerLeaseHandle>();
        let unknownReleases = 0;
        const reused = { sequenceId: 0, attempt: 0, leaseId: '' };
        let longestHere = 0;
        for (const s of sequence) {
          reused.leaseId = leaseId(s.id);
          // A release names its lease by id; the tracker checks the rest of the handle for form only.
          reused.sequenceId = s.kind === 'release' ? 0 : s.sequenceId;
          reused.attempt = s.kind === 'release' ? 0 : s.attempt;
          if (s.kind === 'release') {
            tracker.recordLeaseReleased('peer-a', reused, false);
            if (!model.delete(reused.leaseId)) unknownReleases++;
          } else {
            if (s.kind === 'assign') tracker.recordLeaseAssignment('peer-a', reused);
            else tracker.recordLeaseHeartbeat('peer-a', reused);
            // An assignment replaces the lease with that id; a heartbeat lists it only when unknown.
            if (s.kind === 'assign' || !model.has(reused.leaseId)) model.set(reused.leaseId, { ...reused });
          }
          // The caller changes its object at once: the tracker must have kept its own copy.
          reused.sequenceId = -1;
          reused.leaseId = 'changed-by-the-caller';
          const expected = [...model.values()].sort(plainOrder);
          expect(tracker.snapshot()[0]?.activeLeases ?? []).toEqual(expected);
          expect(tracker.anomalyCount('unknown-lease-release')).toBe(unknownReleases);
          longestHere = Math.max(longestHere, expected.length);
          if (longestHere >= LEASE_INDEX_FROM && expected.length < LEASE_INDEX_FROM / 2) shrunk = true;
        }
        longest = Math.max(longest, longestHere);
        tracker.dispose();
      }),
      { numRuns: 120 },
    );
    // The sequences crossed the threshold both ways: the index was built, and dropped again.
    expect(longest).toBeGreaterThanOrEqual(LEASE_INDEX_FROM);
    expect(shrunk).toBe(true);
  });
});
