import fc from 'fast-check';
import {
  GracePeriodPolicy,
  ManualClock,
  PeerHealthConfigurationError,
  PeerLeaseHealthDiagnostics,
  PeerLeaseHealthTracker,
  PhiAccrualPolicy,
  serializeLeaseHealth,
  type PeerHealthPolicy,
  type PeerHealthTransition,
  type PhiAccrualPolicyOptions,
} from '@omnirelay/peer-health';

const T0 = 1_795_512_600_000;

/** -log10(1 - Phi(z)) and the inverse of the normal CDF, computed with an arbitrary-precision library (mpmath), rounded to 15 digits. */
const REFERENCE_PHI: ReadonlyArray<readonly [z: number, phi: number]> = [
  [-3, 0.000586649313790067],
  [-1, 0.075026012957818],
  [0, 0.301029995663981],
  [1, 0.799545541491971],
  [2.5, 2.2069318057953],
  [3, 2.86969903592937],
  [5, 6.54264567239065],
  [6, 9.0058643274767],
  [10, 23.1180534054861],
];
const REFERENCE_SCORE_AT_PHI: ReadonlyArray<readonly [threshold: number, z: number]> = [
  [1, 1.2815515655446],
  [3, 3.09023230616781],
  [8, 5.61200124417479],
  [12, 7.03448382530113],
  [16, 8.22208221613043],
];

/** A history whose intervals are exactly 900 and 1100 ms, alternating: mean 1000, standard deviation 100. */
function regularHistory(policy: PhiAccrualPolicy, arrivals = 20): { history: ReturnType<PhiAccrualPolicy['createPeerHistory']>; last: number } {
  const history = policy.createPeerHistory();
  let t = T0;
  for (let i = 0; i < arrivals; i++) {
    t += i === 0 ? 0 : i % 2 === 0 ? 900 : 1100;
    policy.recordArrival(history, t);
  }
  return { history, last: t };
}

describe('PhiAccrualPolicy maths', () => {
  const policy = new PhiAccrualPolicy({ minStdDeviationMs: 1 });
  // An even number of arrivals gives an odd number of intervals; use 21 arrivals: 10 of each.
  const { history, last } = regularHistory(policy, 21);

  it.each(REFERENCE_PHI)('phi at %p standard deviations past the mean is %p', (z, expected) => {
    const phi = policy.phi(history, last + 1000 + z * 100);
    expect(Math.abs(phi - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, expected));
  });

  it('phi grows with the silence and is 0 before the first arrival', () => {
    const values = [0, 500, 1000, 1200, 1500, 2000, 4000].map((ms) => policy.phi(history, last + ms));
    expect([...values].sort((a, b) => a - b)).toEqual(values);
    expect(new Set(values).size).toBe(values.length);
    expect(policy.phi(policy.createPeerHistory(), T0)).toBe(0);
  });

  it.each(REFERENCE_SCORE_AT_PHI)('threshold %p is crossed %p standard deviations past the mean', (threshold, z) => {
    expect(Math.abs(new PhiAccrualPolicy({ threshold }).thresholdScore - z)).toBeLessThan(1e-9);
  });

  it.each([1, 3, 8, 12])('the predicted crossing time is the last healthy millisecond (threshold %p)', (threshold) => {
    const p = new PhiAccrualPolicy({ threshold, minStdDeviationMs: 1 });
    const h = regularHistory(p, 21);
    const until = p.suspectedAfter(h.history);
    expect(Number.isInteger(until)).toBe(true);
    expect(p.phi(h.history, until)).toBeLessThanOrEqual(threshold);
    expect(p.phi(h.history, until + 1)).toBeGreaterThan(threshold);
    // mean + z * deviation, floored to the millisecond
    expect(until).toBe(Math.floor(h.last + 1000 + p.thresholdScore * 100));
  });

  it('adds the acceptable pause to the mean and floors the deviation', () => {
    const paused = new PhiAccrualPolicy({ acceptableHeartbeatPauseMs: 3000, minStdDeviationMs: 250 });
    const h = regularHistory(paused, 21);
    expect(paused.suspectedAfter(h.history)).toBe(Math.floor(h.last + 1000 + 3000 + paused.thresholdScore * 250));
  });

  it('uses the first-heartbeat estimate until an interval is known', () => {
    const p = new PhiAccrualPolicy({ firstHeartbeatEstimateMs: 2000, minStdDeviationMs: 1 });
    const h = p.createPeerHistory();
    expect(p.recordArrival(h, T0)).toBe(Math.floor(T0 + 2000 + p.thresholdScore * 500));
    // One interval of 1500 ms: mean 1500, deviation 0, floored to 1 ms.
    expect(p.recordArrival(h, T0 + 1500)).toBe(Math.floor(T0 + 3000 + p.thresholdScore * 1));
  });

  it('remembers only the latest windowSize intervals', () => {
    const p = new PhiAccrualPolicy({ windowSize: 4, minStdDeviationMs: 1 });
    const h = p.createPeerHistory();
    let t = T0;
    p.recordArrival(h, t);
    for (const interval of [10_000, 10_000, 10_000, 1000, 1000, 1000, 1000]) p.recordArrival(h, (t += interval));
    // The 10 s intervals have left the window: mean 1000, deviation floored.
    expect(p.suspectedAfter(h)).toBe(Math.floor(t + 1000 + p.thresholdScore * 1));
  });

  it('leaves the silence across a disconnect out of the rhythm', () => {
    const p = new PhiAccrualPolicy({ minStdDeviationMs: 1 });
    const h = regularHistory(p, 21);
    const before = p.suspectedAfter(h.history) - h.last;
    p.recordDisconnect(h.history);
    const back = h.last + 600_000;
    expect(p.recordArrival(h.history, back) - back).toBe(before);
  });
});

/** The PeerHealthConfigurationError `build` throws (fails the test when it throws nothing or something else). */
function configurationErrorOf(build: () => unknown): PeerHealthConfigurationError {
  try {
    build();
  } catch (error) {
    if (error instanceof PeerHealthConfigurationError) return error;
    throw error;
  }
  throw new Error('expected a PeerHealthConfigurationError, nothing was thrown');
}

describe('PhiAccrualPolicy options', () => {
  it.each<[string, PhiAccrualPolicyOptions]>([
    ['healthPolicy.threshold', { threshold: 0 }],
    ['healthPolicy.threshold', { threshold: -1 }],
    ['healthPolicy.threshold', { threshold: 101 }],
    ['healthPolicy.threshold', { threshold: Number.NaN }],
    ['healthPolicy.windowSize', { windowSize: 1 }],
    ['healthPolicy.windowSize', { windowSize: 2.5 }],
    ['healthPolicy.windowSize', { windowSize: 10_001 }],
    ['healthPolicy.minStdDeviationMs', { minStdDeviationMs: 0 }],
    ['healthPolicy.minStdDeviationMs', { minStdDeviationMs: Infinity }],
    ['healthPolicy.acceptableHeartbeatPauseMs', { acceptableHeartbeatPauseMs: -1 }],
    ['healthPolicy.acceptableHeartbeatPauseMs', { acceptableHeartbeatPauseMs: Infinity }],
    ['healthPolicy.acceptableHeartbeatPauseMs', { acceptableHeartbeatPauseMs: '3000' as unknown as number }],
    ['healthPolicy.firstHeartbeatEstimateMs', { firstHeartbeatEstimateMs: 0 }],
    ['healthPolicy', null as unknown as PhiAccrualPolicyOptions],
  ])('rejects a bad %s with a typed error naming it', (option, options) => {
    expect(configurationErrorOf(() => new PhiAccrualPolicy(options))).toMatchObject({ option, code: 'PEER_HEALTH_ERR_CONFIGURATION' });
  });

  it('has the documented defaults', () => {
    expect(new PhiAccrualPolicy()).toMatchObject({
      name: 'phi-accrual',
      threshold: 8,
      windowSize: 100,
      minStdDeviationMs: 100,
      acceptableHeartbeatPauseMs: 0,
      firstHeartbeatEstimateMs: 1000,
    });
  });

  it('the tracker refuses a policy that is not one, and a grace period given beside a policy', () => {
    const options = [
      { healthPolicy: { name: 'x' } as unknown as PeerHealthPolicy },
      { healthPolicy: new PhiAccrualPolicy(), heartbeatGracePeriodMs: 5000 },
    ];
    for (const o of options) expect(() => new PeerLeaseHealthTracker(o)).toThrow(PeerHealthConfigurationError);
    for (const o of options) expect(configurationErrorOf(() => new PeerLeaseHealthTracker(o))).toMatchObject({ option: 'healthPolicy' });
    expect(configurationErrorOf(() => new GracePeriodPolicy({ gracePeriodMs: -1 }))).toMatchObject({ option: 'healthPolicy.gracePeriodMs' });
  });
});

describe('the tracker with PhiAccrualPolicy', () => {
  function phiTracker(options: PhiAccrualPolicyOptions = {}) {
    const clock = new ManualClock(T0);
    const policy = new PhiAccrualPolicy({ minStdDeviationMs: 50, ...options });
    const tracker = new PeerLeaseHealthTracker({ clock, healthPolicy: policy });
    const seen: PeerHealthTransition[] = [];
    tracker.onTransition((t) => seen.push(t));
    return { clock, policy, tracker, seen };
  }

  it('keeps a peer with regular, jittery heartbeats healthy', () => {
    const { clock, tracker, seen } = phiTracker();
    for (let i = 0; i < 600; i++) {
      tracker.recordLeaseHeartbeat('w');
      clock.advance(i % 3 === 0 ? 1100 : 950);
    }
    expect(seen).toEqual([]);
    expect(tracker.isPeerEligible('w')).toBe(true);
    tracker.dispose();
  });

  it('turns a peer that stops unhealthy at the predicted time, by its own timer, and back on its next heartbeat', () => {
    const { clock, policy, tracker, seen } = phiTracker();
    const history = policy.createPeerHistory();
    for (let i = 0; i < 50; i++) {
      tracker.recordLeaseHeartbeat('w');
      policy.recordArrival(history, clock.now());
      clock.advance(i % 2 === 0 ? 900 : 1100);
    }
    tracker.recordLeaseHeartbeat('w');
    const predicted = policy.recordArrival(history, clock.now());
    expect(predicted - clock.now()).toBeGreaterThan(1000);
    expect(predicted - clock.now()).toBeLessThan(2000);
    clock.set(predicted);
    expect(seen).toEqual([]);
    expect(tracker.isPeerEligible('w')).toBe(true);
    clock.advance(1);
    expect(seen).toEqual([{ peerId: 'w', from: 'healthy', to: 'unhealthy', reason: 'heartbeat-expired', at: predicted + 1 }]);
    expect(tracker.snapshot()[0]?.isHealthy).toBe(false);
    clock.advance(5000);
    tracker.recordLeaseHeartbeat('w');
    expect(seen.at(-1)).toEqual({ peerId: 'w', from: 'unhealthy', to: 'healthy', reason: 'heartbeat', at: clock.now() });
    expect(tracker.isPeerEligible('w')).toBe(true);
    tracker.dispose();
  });

  it('follows a deadline that moves earlier when the rhythm tightens', () => {
    const { clock, policy, tracker, seen } = phiTracker({ windowSize: 3, minStdDeviationMs: 1000 });
    // A 5 s outlier widens the rhythm; once it leaves the window of three, the deadline moves earlier.
    for (const interval of [0, 1000, 1000, 1000, 5000, 1000, 1000]) {
      clock.advance(interval);
      tracker.recordLeaseHeartbeat('w');
    }
    const wide = policy.createPeerHistory();
    for (const t of [0, 5000, 6000, 7000]) policy.recordArrival(wide, t);
    // The deadline filed before the last heartbeat is later than the one after it.
    expect(policy.suspectedAfter(wide) - 7000).toBeGreaterThan(1000 + 1000 + policy.thresholdScore * 1000 + 1000);
    clock.advance(1000);
    tracker.recordLeaseHeartbeat('w');
    const expected = Math.floor(clock.now() + 1000 + policy.thresholdScore * 1000);
    clock.set(expected);
    expect(seen).toEqual([]);
    clock.advance(1);
    expect(seen).toEqual([{ peerId: 'w', from: 'healthy', to: 'unhealthy', reason: 'heartbeat-expired', at: expected + 1 }]);
    tracker.dispose();
  });

  it('a disconnect turns the peer unhealthy whatever phi says, and the outage is not learned as an interval', () => {
    const { clock, policy, tracker, seen } = phiTracker();
    for (let i = 0; i < 20; i++) {
      tracker.recordLeaseHeartbeat('w');
      clock.advance(1000);
    }
    tracker.recordDisconnect('w', 'connection-reset');
    expect(tracker.isPeerEligible('w')).toBe(false);
    clock.advance(600_000);
    tracker.recordLeaseHeartbeat('w');
    const back = clock.now();
    expect(seen.map((t) => `${t.from}->${t.to}:${t.reason}`)).toEqual(['healthy->unhealthy:disconnect', 'unhealthy->healthy:heartbeat']);
    // Still the 1 s rhythm (deviation at its 50 ms floor), not a 10-minute one.
    const expected = Math.floor(back + 1000 + policy.thresholdScore * 50);
    clock.set(expected);
    expect(tracker.isPeerEligible('w')).toBe(true);
    clock.advance(1);
    expect(seen.at(-1)).toEqual({ peerId: 'w', from: 'healthy', to: 'unhealthy', reason: 'heartbeat-expired', at: expected + 1 });
    tracker.dispose();
  });

  it('takes an answer of a custom policy that is not a time at or after now as now', () => {
    const clock = new ManualClock(T0);
    const answers = [Number.NaN, T0 - 5, 'soon' as unknown as number, Infinity];
    const healthPolicy: PeerHealthPolicy<null> = { name: 'odd', createPeerHistory: () => null, recordArrival: () => answers.shift() ?? Infinity };
    const tracker = new PeerLeaseHealthTracker({ clock, healthPolicy, retentionMs: Infinity });
    for (let i = 0; i < 3; i++) {
      tracker.recordLeaseHeartbeat('w');
      expect(tracker.isPeerEligible('w')).toBe(true);
      clock.advance(1);
      expect(tracker.isPeerEligible('w')).toBe(false);
    }
    tracker.recordLeaseHeartbeat('w'); // Infinity: never expires
    clock.advance(365 * 86_400_000);
    expect(tracker.counts()).toMatchObject({ trackedPeers: 1, eligiblePeers: 1 });
    tracker.dispose();
  });

  it('is configured through PeerHealthModule.forRoot like any tracker option', async () => {
    const { Test } = await import('@nestjs/testing');
    const { PeerHealthModule } = await import('@omnirelay/peer-health');
    const clock = new ManualClock(T0);
    const policy = new PhiAccrualPolicy({ threshold: 10 });
    const moduleRef = await Test.createTestingModule({
      imports: [PeerHealthModule.forRoot({ clock, healthPolicy: policy, controller: false, telemetry: { enabled: false } })],
    }).compile();
    const tracker = moduleRef.get(PeerLeaseHealthTracker);
    expect(tracker.healthPolicy).toBe(policy);
    tracker.recordLeaseHeartbeat('w');
    clock.advance(Math.ceil(1000 + policy.thresholdScore * 250) + 1);
    expect(tracker.isPeerEligible('w')).toBe(false);
    await moduleRef.close();
  });
});

describe('the grace-period rule: inline fast path and policy slow twin', () => {
  /** The grace rule through the generic policy path: not a GracePeriodPolicy instance, so not inlined. */
  function throughInterface(grace: number): PeerHealthPolicy<undefined> {
    const inner = new GracePeriodPolicy({ gracePeriodMs: grace });
    return { name: 'grace-via-interface', createPeerHistory: () => inner.createPeerHistory(), recordArrival: (h, now) => inner.recordArrival(h, now) };
  }

  type Step = { kind: 'heartbeat' | 'assign' | 'disconnect'; peer: number } | { kind: 'advance'; ms: number } | { kind: 'read' };
  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.record({ kind: fc.constantFrom<'heartbeat' | 'assign' | 'disconnect'>('heartbeat', 'heartbeat', 'assign', 'disconnect'), peer: fc.nat(3) }),
    fc.record({ kind: fc.constant<'advance'>('advance'), ms: fc.oneof(fc.nat(40), fc.integer({ min: 990, max: 1010 }), fc.nat(3000)) }),
    fc.record({ kind: fc.constant<'read'>('read') }),
  );

  it('gives the same bodies and transitions as the default tracker', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 80 }), fc.constantFrom(1, 1000, 2500), (steps, grace) => {
        const run = (healthPolicy: PeerHealthPolicy | undefined) => {
          const clock = new ManualClock(T0);
          const tracker = new PeerLeaseHealthTracker(
            healthPolicy ? { clock, healthPolicy, retentionMs: 20_000 } : { clock, heartbeatGracePeriodMs: grace, retentionMs: 20_000 },
          );
          const log: string[] = [];
          tracker.onTransition((t) => log.push(JSON.stringify(t)));
          let lease = 0;
          for (const s of steps) {
            if (s.kind === 'advance') clock.advance(s.ms);
            else if (s.kind === 'read') log.push(serializeLeaseHealth(PeerLeaseHealthDiagnostics.fromSnapshots(tracker.snapshot())));
            else if (s.kind === 'heartbeat') tracker.recordLeaseHeartbeat(`w${s.peer}`);
            else if (s.kind === 'disconnect') tracker.recordDisconnect(`w${s.peer}`);
            else tracker.recordLeaseAssignment(`w${s.peer}`, { sequenceId: ++lease, attempt: 1, leaseId: `00000000-0000-4000-8000-${String(lease).padStart(12, '0')}` });
          }
          log.push(serializeLeaseHealth(PeerLeaseHealthDiagnostics.fromSnapshots(tracker.snapshot())));
          tracker.dispose();
          return log;
        };
        expect(run(throughInterface(grace))).toEqual(run(undefined));
        expect(run(new GracePeriodPolicy({ gracePeriodMs: grace }))).toEqual(run(undefined));
      }),
      { numRuns: 300 },
    );
  });
});
