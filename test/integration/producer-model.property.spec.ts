import fc from 'fast-check';
import { ManualClock, PeerLeaseHealthDiagnostics, PeerLeaseHealthTracker, serializeLeaseHealth } from '@omnirelay/peer-health';
import { pollUntil } from '../support/poll';
import { nextMessage, startProducer } from '../support/producer-threads';
import { ModelInputError, ReferenceModel, type ModelLimits } from '../support/reference-model';

// Several producers on real worker threads run random event sequences, each over its own peers and
// stamped by its own simulated clock; the tracker of this thread applies them as they come. Its
// wire bytes and eligibility must equal the plain model applying each producer's sequence at the
// producer's times, and each call must throw in the worker exactly where the model throws.

const RUNS = Number(process.env.PRODUCER_PROPERTY_RUNS ?? 40);
const T0 = 1_795_512_600_000;
const MAX_ID = 12;

/** Peer ids of producer `p`: its own valid ones, and bad ones every producer may try. */
function peerIdsOf(p: number): readonly unknown[] {
  return [`${p}w-1`, `${p}w-2`, `${p}W-1`, `${p} é"\\`, `${p}`.padEnd(MAX_ID, 'x'), '', '   ', 'x'.repeat(MAX_ID + 1), 42];
}
const LEASE_IDS = [
  '00000000-0000-4000-8000-000000000001',
  '00000000-0000-4000-8000-000000000002',
  'AAAAAAAA-0000-4000-8000-00000000000A',
  'aaaaaaaa-0000-4000-8000-00000000000a',
  'not-a-uuid',
];
const KEYS: readonly unknown[] = ['mesh.role', 'Mesh.Role', 'label.zone', '__proto__', '9', '10', 'pending.count', 'resource.type', ' ', '', 'k'.repeat(13), 'é', 'ı', 'k"q', 7];
const VALUES: readonly unknown[] = ['a', 'B', '', ' ', 'é"\\', '\u0000\n', '\ud800', '😀', 'v'.repeat(9), ' '.repeat(9), 'v'.repeat(8), 7, null, undefined, true];

type HandleRef = { pool: number } | { fresh: { sequenceId: unknown; attempt: unknown; leaseId: unknown } } | null | undefined;
type Via = 'id' | 'recorder';
type Step =
  | { kind: 'assign'; peer: number; handle: HandleRef; resourceType: unknown; resourceId: unknown; via: Via }
  | { kind: 'release'; peer: number; handle: HandleRef; requeued: unknown; via: Via }
  | { kind: 'heartbeat'; peer: number; handle: HandleRef; pendingCount: unknown; via: Via }
  | { kind: 'disconnect'; peer: number; reason: unknown; via: Via }
  | { kind: 'gossip'; peer: number; entries: Array<[unknown, unknown]>; asMap: boolean; via: Via }
  | { kind: 'advance'; ms: number }
  | { kind: 'mutate'; pool: number; field: 'sequenceId' | 'attempt' | 'leaseId'; value: unknown };

const numberField = fc.constantFrom<unknown>(0, 1, 2, 3, -1, 1.5, Number.MAX_SAFE_INTEGER, 2 ** 32 + 5, '1');
const handleFields = fc.record({ sequenceId: numberField, attempt: numberField, leaseId: fc.constantFrom<unknown>(...LEASE_IDS) });
const handleRef: fc.Arbitrary<HandleRef> = fc.oneof(
  { weight: 6, arbitrary: fc.nat(3).map((pool) => ({ pool })) },
  { weight: 2, arbitrary: handleFields.map((fresh) => ({ fresh })) },
  { weight: 1, arbitrary: fc.constantFrom(null, undefined) },
);
const peer = fc.oneof({ weight: 8, arbitrary: fc.constantFrom(0, 1) }, { weight: 2, arbitrary: fc.nat(8) });
const via = fc.constantFrom<Via>('id', 'id', 'recorder');
const optionalText = fc.constantFrom<unknown>(undefined, 'cat', 'Cat', ' ', '', 'x'.repeat(9), ' '.repeat(9), 5);

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('assign' as const), peer, handle: handleRef, resourceType: optionalText, resourceId: optionalText, via }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('release' as const), peer, handle: handleRef, requeued: fc.constantFrom<unknown>(true, false, false, 'true', 0), via }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('heartbeat' as const), peer, handle: handleRef, pendingCount: fc.constantFrom<unknown>(undefined, undefined, 0, 4, 2 ** 40, -1, 2.5), via }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('disconnect' as const), peer, reason: optionalText, via }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('gossip' as const),
      peer,
      entries: fc.uniqueArray(fc.tuple(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES)), { maxLength: 6, selector: ([key]) => key }),
      asMap: fc.boolean(),
      via,
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.constantFrom(0, 1, 7, 999, 1000, 1001, 2500, 4999, 5000, 5001) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('mutate' as const), pool: fc.nat(3), field: fc.constantFrom('sequenceId' as const, 'attempt' as const, 'leaseId' as const), value: fc.oneof(numberField, fc.constantFrom<unknown>(...LEASE_IDS)) }) },
);

interface Scenario {
  readonly limits: ModelLimits;
  readonly pool: ReadonlyArray<{ sequenceId: unknown; attempt: unknown; leaseId: unknown }>;
  readonly producers: ReadonlyArray<readonly Step[]>;
  readonly capacityBytes: number;
  readonly stringTableEntries: number | undefined;
}

const scenario: fc.Arbitrary<Scenario> = fc.record({
  limits: fc.record({
    graceMs: fc.constantFrom(1000, 2500),
    retentionMs: fc.constantFrom(5000, 9000),
    maxPeers: fc.constant(Infinity),
    maxPeerIdLength: fc.constant(MAX_ID),
    maxEntriesPerPeer: fc.constantFrom(4, 64),
    maxKeyLength: fc.constant(12),
    maxValueLength: fc.constant(8),
  }),
  pool: fc.array(handleFields, { minLength: 4, maxLength: 4 }),
  producers: fc.array(fc.array(step, { minLength: 1, maxLength: 60 }), { minLength: 2, maxLength: 3 }),
  // A small ring too, so that producers also wait for room mid-run.
  capacityBytes: fc.constantFrom(4096, 1 << 20),
  // A tiny string table too, so that both halves empty it and start over mid-run.
  stringTableEntries: fc.constantFrom(undefined, 3, 16),
});

/** The worker's form of a step: the peer as its id. */
function forWorker(p: number, s: Step): Record<string, unknown> {
  return 'peer' in s ? { ...s, peerId: peerIdsOf(p)[s.peer] } : { ...s };
}

/** Runs a producer's steps through the model at the producer's times; the argument each step throws for, or null. */
function modelRun(model: ReferenceModel, clock: { now: number }, p: number, steps: readonly Step[], poolFields: Scenario['pool']): Array<string | null> {
  const pool = poolFields.map((fields) => ({ ...fields }));
  const handleOf = (ref: HandleRef): unknown => (ref === null || ref === undefined ? ref : 'pool' in ref ? pool[ref.pool] : { ...ref.fresh });
  return steps.map((s) => {
    if (s.kind === 'advance') {
      clock.now += s.ms;
      return null;
    }
    if (s.kind === 'mutate') {
      (pool[s.pool] as Record<string, unknown>)[s.field] = s.value;
      return null;
    }
    const peerId = peerIdsOf(p)[s.peer];
    try {
      switch (s.kind) {
        case 'assign':
          model.assignment(peerId, handleOf(s.handle), s.resourceType, s.resourceId);
          break;
        case 'release':
          model.release(peerId, handleOf(s.handle), s.requeued);
          break;
        case 'heartbeat':
          model.heartbeat(peerId, handleOf(s.handle), s.pendingCount);
          break;
        case 'disconnect':
          model.disconnect(peerId, s.reason);
          break;
        case 'gossip':
          model.gossip(peerId, s.asMap ? new Map(s.entries) : Object.fromEntries(s.entries.filter(([key]) => typeof key === 'string')));
          break;
      }
      return null;
    } catch (error) {
      if (error instanceof ModelInputError) return error.argument;
      throw error;
    }
  });
}

async function runScenario({ limits, pool, producers, capacityBytes, stringTableEntries }: Scenario): Promise<void> {
  // The tracker's clock stands still while the producers record: their stamps alone give the times.
  const clock = new ManualClock(T0);
  const tracker = new PeerLeaseHealthTracker({
    clock,
    heartbeatGracePeriodMs: limits.graceMs,
    retentionMs: limits.retentionMs,
    maxPeerIdLength: limits.maxPeerIdLength,
    metadataLimits: { maxEntriesPerPeer: limits.maxEntriesPerPeer, maxKeyLength: limits.maxKeyLength, maxValueLength: limits.maxValueLength },
    logger: { warn: () => undefined, error: () => undefined },
  });
  try {
    // stringTableEntries is internal (not in the published types): a test hook for the start-over path.
    const options = stringTableEntries === undefined ? { capacityBytes } : ({ capacityBytes, stringTableEntries } as { capacityBytes: number });
    const channels = producers.map(() => tracker.openProducerChannel(options));
    const workers = producers.map((steps, p) => {
      const handle = channels[p]?.handle;
      if (!handle) throw new Error('no channel');
      return startProducer('steps', handle, { steps: steps.map((s) => forWorker(p, s)), pool, start: T0 });
    });
    const answers = await Promise.all(workers.map((worker) => nextMessage<{ errors: Array<string | null>; end: number }>(worker)));
    await Promise.all(workers.map((worker) => worker.terminate()));

    const modelClock = { now: T0 };
    const model = new ReferenceModel(limits, () => modelClock.now);
    producers.forEach((steps, p) => {
      modelClock.now = T0;
      expect({ producer: p, errors: answers[p]?.errors }).toEqual({ producer: p, errors: modelRun(model, modelClock, p, steps, pool) });
    });
    const end = Math.max(...answers.map((answer) => answer.end));
    clock.set(end);
    modelClock.now = end;
    expect(serializeLeaseHealth(PeerLeaseHealthDiagnostics.fromSnapshots(tracker.snapshot()))).toBe(model.body());
    for (let p = 0; p < producers.length; p++) {
      for (const peerId of peerIdsOf(p)) if (typeof peerId === 'string' && peerId.trim() !== '' && peerId.length <= MAX_ID) expect(tracker.isPeerEligible(peerId)).toBe(model.eligible(peerId));
    }
    // Each producer closed its channel: the tracker ends it once it sees the close (asynchronously).
    const states = await pollUntil('every channel to end', () => Promise.resolve(channels.some((c) => c.state === 'open') ? undefined : channels.map((c) => c.state)), 10_000, 5);
    expect(states.value).toEqual(channels.map(() => 'closed'));
  } finally {
    tracker.dispose();
  }
}

/**
 * Always run first: a bound recorder whose one handle object the caller mutates between calls (to
 * another lease, to a bad id, to upper case, to another sequence), over a string table that keeps
 * its entries and one that starts over every few: what the recorder keeps of its last lease must
 * never stand for the handle's new fields.
 */
function mutatedHandleSteps(peer: number): Step[] {
  const beat = (pendingCount: unknown): Step => ({ kind: 'heartbeat', peer, handle: { pool: peer }, pendingCount, via: 'recorder' });
  const mutate = (field: 'sequenceId' | 'attempt' | 'leaseId', value: unknown): Step => ({ kind: 'mutate', pool: peer, field, value });
  return [
    { kind: 'assign', peer, handle: { pool: peer }, resourceType: 'cat', resourceId: undefined, via: 'recorder' },
    beat(4),
    mutate('leaseId', LEASE_IDS[1]),
    beat(undefined),
    { kind: 'advance', ms: 1000 },
    mutate('leaseId', LEASE_IDS[4]),
    beat(2),
    mutate('leaseId', LEASE_IDS[2]),
    beat(2),
    mutate('leaseId', LEASE_IDS[3]),
    beat(3),
    mutate('sequenceId', 2),
    beat(3),
    { kind: 'release', peer, handle: { pool: peer }, requeued: true, via: 'recorder' },
    mutate('leaseId', LEASE_IDS[0]),
    beat(1),
    { kind: 'heartbeat', peer, handle: { pool: peer }, pendingCount: 1, via: 'id' },
    beat(0),
  ];
}
const mutatedHandles = (stringTableEntries: number | undefined): Scenario => ({
  limits: { graceMs: 2500, retentionMs: 9000, maxPeers: Infinity, maxPeerIdLength: MAX_ID, maxEntriesPerPeer: 64, maxKeyLength: 12, maxValueLength: 8 },
  pool: Array.from({ length: 4 }, () => ({ sequenceId: 1, attempt: 1, leaseId: LEASE_IDS[0] })),
  producers: [mutatedHandleSteps(0), mutatedHandleSteps(1)],
  capacityBytes: 4096,
  stringTableEntries,
});

describe('producers on worker threads against the plain model', () => {
  it(`give the tracker the bytes of the model applying each producer's sequence (${RUNS} random runs)`, async () => {
    await fc.assert(fc.asyncProperty(scenario, runScenario), { numRuns: RUNS, examples: [[mutatedHandles(undefined)], [mutatedHandles(5)]] });
  }, 600_000);
});
