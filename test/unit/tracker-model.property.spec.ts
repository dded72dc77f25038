import { Test } from '@nestjs/testing';
import fc from 'fast-check';
import {
  ManualClock,
  PeerHealthDiagnosticsService,
  PeerHealthInputError,
  PeerHealthModule,
  PeerLeaseHealthDiagnostics,
  PeerLeaseHealthTracker,
  serializeLeaseHealth,
  type PeerLeaseHandle,
  type PeerHealthTransition,
  type PeerRecorder,
} from '@omnirelay/peer-health';
import { bodyText } from '../support/body-text';
import { ModelInputError, ReferenceModel, type ModelLimits } from '../support/reference-model';

// Random event sequences through the kit and through a plain model of the design's rules
// (test/support/reference-model.ts); after every step the wire bytes, from both of the kit's
// rendering paths, and isPeerEligible of every peer must be equal. Events go by id or through
// bound recorders; handle objects are reused and mutated in place between events. Transitions are
// checked too: a lease expiry makes at most one (healthy -> unhealthy, `lease-expired`), and a grace
// deadline's transition happens at the model's first unhealthy instant.

const RUNS = Number(process.env.PROPERTY_RUNS ?? 2000);
const T0 = 1_795_512_600_000;
const MAX_ID = 12;

// Ids, keys and values cover both sides of the renderer's "plain text" shortcut: printable ASCII,
// and what needs escaping or UTF-8 (quotes, backslashes, control characters, DEL, non-ASCII, lone surrogates).
const PEER_IDS: readonly unknown[] = ['w-1', 'w-2', 'W-1', 'peer é', 'w"\\1', 'w\u007f', 'x'.repeat(MAX_ID), '', '   ', 'x'.repeat(MAX_ID + 1), 42];
const VALID_PEER_IDS = PEER_IDS.filter((id): id is string => typeof id === 'string' && id.trim() !== '' && id.length <= MAX_ID);
const LEASE_IDS = [
  '00000000-0000-4000-8000-000000000001',
  '00000000-0000-4000-8000-000000000002',
  'AAAAAAAA-0000-4000-8000-00000000000A',
  'aaaaaaaa-0000-4000-8000-00000000000a',
  'not-a-uuid',
];
const KEYS: readonly unknown[] = [
  'mesh.role', 'Mesh.Role', 'label.zone', '__proto__', 'constructor', '9', '10', 'pending.count', 'Pending.Count',
  'resource.type', 'disconnect.reason', ' ', '', 'k'.repeat(13), 'é', 'ß', 'ı', 'I', 'i', 'k"q', 'k\\', '\t',
];
const VALUES: readonly unknown[] = ['a', 'B', '', ' ', 'é"\\', '\u0000\n', '\ud800', '😀', '"', '\\', '\u007f', '\u001f', 'a/b~', 'v'.repeat(9), 'v'.repeat(8), 7, null, undefined, true];

type Via = 'id' | 'recorder';
/** A handle: a pooled object (reused, maybe mutated) or a fresh literal. */
type HandleRef = { pool: number } | { fresh: { sequenceId: unknown; attempt: unknown; leaseId: unknown } } | null | undefined;

type Step =
  | { kind: 'assign'; peer: number; handle: HandleRef; resourceType: unknown; resourceId: unknown; via: Via }
  | { kind: 'release'; peer: number; handle: HandleRef; requeued: unknown; via: Via }
  | { kind: 'heartbeat'; peer: number; handle: HandleRef; pendingCount: unknown; via: Via }
  | { kind: 'disconnect'; peer: number; reason: unknown; via: Via }
  | { kind: 'expire'; peer: number; handle: HandleRef; requeued: unknown; via: Via }
  | { kind: 'gossip'; peer: number; entries: Array<[unknown, unknown]>; asMap: boolean; via: Via }
  | { kind: 'advance'; ms: number }
  | { kind: 'mutate'; pool: number; field: 'sequenceId' | 'attempt' | 'leaseId'; value: unknown };

const numberField = fc.constantFrom<unknown>(0, 1, 2, 3, -1, 1.5, Number.MAX_SAFE_INTEGER, '1');
const handleFields = fc.record({ sequenceId: numberField, attempt: numberField, leaseId: fc.constantFrom<unknown>(...LEASE_IDS) });
const handleRef: fc.Arbitrary<HandleRef> = fc.oneof(
  { weight: 6, arbitrary: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.nat(3) }).map((pool) => ({ pool })) },
  { weight: 2, arbitrary: handleFields.map((fresh) => ({ fresh })) },
  { weight: 1, arbitrary: fc.constantFrom(null, undefined) },
);
// Mostly two peers, so that events meet on the same peer; sometimes any id, bad ones included.
const peer = fc.oneof({ weight: 8, arbitrary: fc.constantFrom(0, 1) }, { weight: 2, arbitrary: fc.nat(PEER_IDS.length - 1) });
const via = fc.constantFrom<Via>('id', 'id', 'recorder');
const optionalText = fc.constantFrom<unknown>(undefined, 'cat', 'Cat', ' ', '', 'x'.repeat(9), 5);

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('assign' as const), peer, handle: handleRef, resourceType: optionalText, resourceId: optionalText, via }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('release' as const), peer, handle: handleRef, requeued: fc.constantFrom<unknown>(true, false, false, 'true', 0), via }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('heartbeat' as const), peer, handle: handleRef, pendingCount: fc.constantFrom<unknown>(undefined, undefined, 0, 4, 1024, -1, 2.5), via }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('disconnect' as const), peer, reason: optionalText, via }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('expire' as const), peer, handle: handleRef, requeued: fc.constantFrom<unknown>(undefined, true, false, 'true'), via }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('gossip' as const),
      peer,
      entries: fc.array(fc.tuple(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES)), { maxLength: 6 }),
      asMap: fc.boolean(),
      via,
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.constantFrom(0, 1, 7, 250, 999, 1000, 1001, 2500, 4999, 5000, 5001) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('mutate' as const), pool: fc.nat(3), field: fc.constantFrom('sequenceId' as const, 'attempt' as const, 'leaseId' as const), value: fc.oneof(numberField, fc.constantFrom<unknown>(...LEASE_IDS)) }) },
);

const limitsArbitrary: fc.Arbitrary<ModelLimits> = fc.record({
  graceMs: fc.constantFrom(1000, 2500),
  retentionMs: fc.constantFrom(5000, 9000),
  maxPeers: fc.constantFrom(Infinity, 3),
  maxPeerIdLength: fc.constant(MAX_ID),
  maxEntriesPerPeer: fc.constantFrom(4, 64),
  maxKeyLength: fc.constant(12),
  maxValueLength: fc.constant(8),
});

interface Scenario {
  readonly limits: ModelLimits;
  readonly pool: ReadonlyArray<{ sequenceId: unknown; attempt: unknown; leaseId: unknown }>;
  readonly steps: readonly Step[];
  readonly startFraction: number;
}

const scenario: fc.Arbitrary<Scenario> = fc.record({
  limits: limitsArbitrary,
  pool: fc.array(handleFields, { minLength: 4, maxLength: 4 }),
  steps: fc.array(step, { minLength: 1, maxLength: 60, size: 'max' }),
  startFraction: fc.constantFrom(0, 1, 10, 100, 999),
});

/** Runs `call` on the kit and `model` on the model; both must throw the input error for the same argument, or neither. */
function both(call: () => void, model: () => void): void {
  let kitError: unknown;
  let modelError: unknown;
  try {
    call();
  } catch (error) {
    kitError = error;
  }
  try {
    model();
  } catch (error) {
    modelError = error;
  }
  // Anything but the two input errors is a failure of its own, reported as it is.
  if (kitError !== undefined && !(kitError instanceof PeerHealthInputError)) expect(kitError).toBeUndefined();
  if (modelError !== undefined && !(modelError instanceof ModelInputError)) expect(modelError).toBeUndefined();
  const kitArgument = kitError instanceof PeerHealthInputError ? kitError.argument : undefined;
  const modelArgument = modelError instanceof ModelInputError ? modelError.argument : undefined;
  expect(kitArgument).toBe(modelArgument);
}

async function runScenario({ limits, pool: poolFields, steps, startFraction }: Scenario): Promise<void> {
  const clock = new ManualClock(T0 + startFraction);
  const moduleRef = await Test.createTestingModule({
    imports: [
      PeerHealthModule.forRoot({
        clock,
        heartbeatGracePeriodMs: limits.graceMs,
        retentionMs: limits.retentionMs,
        maxPeers: limits.maxPeers,
        maxPeerIdLength: limits.maxPeerIdLength,
        metadataLimits: { maxEntriesPerPeer: limits.maxEntriesPerPeer, maxKeyLength: limits.maxKeyLength, maxValueLength: limits.maxValueLength },
        logger: { warn: () => undefined, error: () => undefined },
        telemetry: { enabled: false },
        controller: false,
      }),
    ],
  }).compile();
  try {
    const tracker = moduleRef.get(PeerLeaseHealthTracker);
    const diagnostics = moduleRef.get(PeerHealthDiagnosticsService);
    const model = new ReferenceModel(limits, () => clock.now());
    const pool = poolFields.map((fields) => ({ ...fields }));
    const recorders = new Map<unknown, PeerRecorder>();
    const handleOf = (ref: HandleRef): PeerLeaseHandle => {
      if (ref === null || ref === undefined) return ref as unknown as PeerLeaseHandle;
      return ('pool' in ref ? pool[ref.pool] : { ...ref.fresh }) as PeerLeaseHandle;
    };
    const recorderOf = (peerId: unknown): PeerRecorder => {
      let recorder = recorders.get(peerId);
      if (!recorder) {
        recorder = tracker.peer(peerId as string);
        recorders.set(peerId, recorder);
      }
      return recorder;
    };
    let earlier: { snapshots: ReturnType<PeerLeaseHealthTracker['snapshot']>; bytes: string } | undefined;
    const seen: PeerHealthTransition[] = [];
    tracker.onTransition((transition) => seen.push(transition));

    for (const s of steps) {
      // What the model says before the step: each peer's eligibility and the instant its grace ends.
      const eligibleBefore = new Map(VALID_PEER_IDS.map((peerId) => [peerId, model.eligible(peerId)]));
      const expiryBefore = new Map(VALID_PEER_IDS.map((peerId) => [peerId, model.expiryInstant(peerId)]));
      seen.length = 0;
      if (s.kind === 'advance') clock.advance(s.ms);
      else if (s.kind === 'mutate') (pool[s.pool] as Record<string, unknown>)[s.field] = s.value;
      else {
        const peerId = PEER_IDS[s.peer];
        const id = peerId as string;
        const handle = 'handle' in s ? handleOf(s.handle) : undefined;
        switch (s.kind) {
          case 'assign':
            both(
              () => (s.via === 'id' ? tracker.recordLeaseAssignment(id, handle as PeerLeaseHandle, s.resourceType as string, s.resourceId as string) : recorderOf(peerId).assign(handle as PeerLeaseHandle, s.resourceType as string, s.resourceId as string)),
              () => model.assignment(peerId, handle, s.resourceType, s.resourceId),
            );
            break;
          case 'release':
            both(
              () => (s.via === 'id' ? tracker.recordLeaseReleased(id, handle as PeerLeaseHandle, s.requeued as boolean) : recorderOf(peerId).release(handle as PeerLeaseHandle, s.requeued as boolean)),
              () => model.release(peerId, handle, s.requeued),
            );
            break;
          case 'heartbeat':
            both(
              () => (s.via === 'id' ? tracker.recordLeaseHeartbeat(id, handle, s.pendingCount as number) : recorderOf(peerId).heartbeat(handle, s.pendingCount as number)),
              () => model.heartbeat(peerId, handle, s.pendingCount),
            );
            break;
          case 'disconnect':
            both(
              () => (s.via === 'id' ? tracker.recordDisconnect(id, s.reason as string) : recorderOf(peerId).disconnect(s.reason as string)),
              () => model.disconnect(peerId, s.reason),
            );
            break;
          case 'expire':
            both(
              () => {
                if (s.via === 'id') {
                  if (s.requeued === undefined) tracker.recordLeaseExpired(id, handle as PeerLeaseHandle);
                  else tracker.recordLeaseExpired(id, handle as PeerLeaseHandle, s.requeued as boolean);
                } else if (s.requeued === undefined) recorderOf(peerId).expire(handle as PeerLeaseHandle);
                else recorderOf(peerId).expire(handle as PeerLeaseHandle, s.requeued as boolean);
              },
              () => model.expire(peerId, handle, s.requeued),
            );
            break;
          case 'gossip': {
            const metadata: unknown = s.asMap ? new Map(s.entries) : Object.fromEntries(s.entries.filter(([k]) => typeof k === 'string'));
            both(
              () => (s.via === 'id' ? tracker.recordGossip(id, metadata as Record<string, string>) : recorderOf(peerId).gossip(metadata as Record<string, string>)),
              () => model.gossip(peerId, metadata),
            );
            break;
          }
        }
      }
      const expected = model.body();
      for (const transition of seen) {
        // Never healthy for an instant on an expiry, and never a recovery caused by it.
        if (s.kind === 'expire') expect(transition.reason).not.toBe('release');
        if (transition.reason === 'heartbeat-expired') expect(transition.at).toBe(expiryBefore.get(transition.peerId));
      }
      if (s.kind === 'expire' && typeof PEER_IDS[s.peer] === 'string' && VALID_PEER_IDS.includes(PEER_IDS[s.peer] as string)) {
        const expiredId = PEER_IDS[s.peer] as string;
        const own = seen.filter((t) => t.peerId === expiredId && t.reason !== 'heartbeat-expired' && t.to !== 'evicted');
        const turned = eligibleBefore.get(expiredId) === true && model.tracks(expiredId) && !model.eligible(expiredId);
        expect(own).toEqual(turned ? [{ peerId: expiredId, from: 'healthy', to: 'unhealthy', reason: 'lease-expired', at: clock.now() }] : []);
      }
      const snapshots = tracker.snapshot();
      expect(serializeLeaseHealth(PeerLeaseHealthDiagnostics.fromSnapshots(snapshots))).toBe(expected);
      expect(await bodyText((await diagnostics.render()).body)).toBe(expected);
      for (const peerId of VALID_PEER_IDS) expect(tracker.isPeerEligible(peerId)).toBe(model.eligible(peerId));
      // Snapshots already returned never change.
      if (earlier) expect(serializeLeaseHealth(PeerLeaseHealthDiagnostics.fromSnapshots(earlier.snapshots))).toBe(earlier.bytes);
      earlier = { snapshots, bytes: expected };
    }
  } finally {
    await moduleRef.close();
  }
}

describe('the kit against a plain model of the design', () => {
  it(`gives the same wire bytes and eligibility after every step (${RUNS} random sequences)`, async () => {
    await fc.assert(fc.asyncProperty(scenario, runScenario), { numRuns: RUNS });
  }, 600_000);
});
