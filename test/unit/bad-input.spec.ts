import {
  ManualClock,
  PeerHealthConfigurationError,
  PeerHealthInputError,
  PeerHealthModule,
  PeerLeaseHealthTracker,
  type PeerLeaseHandle,
} from '@omnirelay/peer-health';

const T0 = 1_795_512_600_000;
const good: PeerLeaseHandle = { sequenceId: 1, attempt: 1, leaseId: '00000000-0000-4000-8000-000000000001' };

function seeded() {
  const tracker = new PeerLeaseHealthTracker({ clock: new ManualClock(T0), metadataLimits: { maxEntriesPerPeer: 3, maxKeyLength: 16, maxValueLength: 5 } });
  tracker.recordLeaseAssignment('w', good, 'cat', 'sku-1');
  return tracker;
}

/** Calls a record method with arguments the type system would refuse, as JavaScript callers can. */
function call(tracker: PeerLeaseHealthTracker, method: keyof PeerLeaseHealthTracker, ...args: unknown[]): void {
  (tracker[method] as (...a: unknown[]) => void).apply(tracker, args);
}

describe('bad peer ids and handles', () => {
  const badPeerIds: unknown[] = ['', '   ', 'x'.repeat(257), 42, null, undefined, {}];
  const badHandles: Array<[string, unknown]> = [
    ['handle', null],
    ['handle', 'lease'],
    ['handle.sequenceId', { ...good, sequenceId: 1.5 }],
    ['handle.sequenceId', { ...good, sequenceId: Number.MAX_SAFE_INTEGER + 1 }],
    ['handle.sequenceId', { ...good, sequenceId: '1' }],
    ['handle.sequenceId', { ...good, sequenceId: -1 }],
    ['handle.attempt', { ...good, attempt: -1 }],
    ['handle.attempt', { ...good, attempt: 0.5 }],
    ['handle.leaseId', { ...good, leaseId: 'not-a-uuid' }],
    ['handle.leaseId', { ...good, leaseId: '00000000-0000-4000-8000-00000000000' }],
    ['handle.leaseId', { ...good, leaseId: 7 }],
  ];

  it.each(badPeerIds.map((id) => [String(id).slice(0, 20), id]))('rejects peer id %s with a typed error and no change', (_label, peerId) => {
    const tracker = seeded();
    const before = JSON.stringify(tracker.snapshot());
    const version = tracker.version;
    for (const method of ['recordLeaseAssignment', 'recordLeaseReleased', 'recordLeaseHeartbeat', 'recordDisconnect', 'recordGossip'] as const) {
      const args = method === 'recordGossip' ? [{ a: 'b' }] : method === 'recordDisconnect' ? ['r'] : [good, true];
      let thrown: unknown;
      try {
        call(tracker, method, peerId, ...args);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(PeerHealthInputError);
      expect((thrown as PeerHealthInputError).argument).toBe('peerId');
      expect((thrown as Error).message).toMatch(/peerId must be/);
    }
    expect(JSON.stringify(tracker.snapshot())).toBe(before);
    expect(tracker.version).toBe(version);
    expect(tracker.anomalyCount('invalid-input')).toBe(5);
  });

  it.each(badHandles)('rejects a bad %s with a typed error and no change', (argument, handle) => {
    const tracker = seeded();
    const before = JSON.stringify(tracker.snapshot());
    // A heartbeat's handle is optional: null there means "no handle", not a bad one.
    const methods: Array<keyof PeerLeaseHealthTracker> = ['recordLeaseAssignment', 'recordLeaseReleased'];
    if (handle !== null) methods.push('recordLeaseHeartbeat');
    for (const method of methods) {
      let thrown: unknown;
      try {
        call(tracker, method, 'fresh-peer', handle, ...(method === 'recordLeaseReleased' ? [true] : []));
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(PeerHealthInputError);
      expect((thrown as PeerHealthInputError).argument).toBe(argument);
    }
    expect(JSON.stringify(tracker.snapshot())).toBe(before);
  });

  it('rejects a pending count that is not a non-negative integer', () => {
    const tracker = seeded();
    for (const count of [-1, 1.5, Number.NaN, '3']) {
      expect(() => call(tracker, 'recordLeaseHeartbeat', 'w', undefined, count)).toThrow(PeerHealthInputError);
    }
    expect(tracker.snapshot()[0]?.metadata['pending.count']).toBeUndefined();
  });

  it('accepts upper-case lease ids and serves them in lower case', () => {
    const tracker = seeded();
    tracker.recordLeaseHeartbeat('w', { ...good, leaseId: good.leaseId.toUpperCase() });
    expect(tracker.snapshot()[0]?.activeLeases).toEqual([good]);
  });

  it('counts a release of a lease the peer does not hold as an anomaly and keeps the seed semantics', () => {
    const tracker = seeded();
    tracker.recordLeaseReleased('w', { ...good, leaseId: '00000000-0000-4000-8000-000000000099' }, true);
    expect(tracker.anomalyCount('unknown-lease-release')).toBe(1);
    expect(tracker.snapshot()[0]).toMatchObject({ activeAssignments: 1, pendingReassignments: 1 });
  });
});

describe('bad metadata never throws: dropped and counted', () => {
  it('drops non-string values', () => {
    const tracker = seeded();
    expect(() => call(tracker, 'recordGossip', 'w', { num: 1, obj: {}, bool: true, ok: 'v' })).not.toThrow();
    expect(tracker.anomalyCount('metadata-invalid')).toBe(3);
    expect(tracker.snapshot()[0]?.metadata['ok']).toBe('v');
  });

  it('drops metadata that is not an object or Map', () => {
    const tracker = seeded();
    for (const bad of [null, 'text', 7]) expect(() => call(tracker, 'recordGossip', 'w', bad)).not.toThrow();
    expect(tracker.anomalyCount('metadata-invalid')).toBe(3);
  });

  it('drops keys and values over the length limits and entries past the per-peer limit', () => {
    const tracker = seeded(); // already holds resource.type and resource.id, limit 3
    call(tracker, 'recordGossip', 'w', { ['k'.repeat(17)]: 'v', long: 'v'.repeat(6), third: 'ok', fourth: 'no' });
    expect(tracker.anomalyCount('metadata-limit')).toBe(3);
    expect(Object.keys(tracker.snapshot()[0]?.metadata ?? {})).toEqual(['resource.id', 'resource.type', 'third']);
    // Updating an existing key is still allowed at the limit.
    tracker.recordGossip('w', { THIRD: 'new' });
    expect(tracker.snapshot()[0]?.metadata['third']).toBe('new');
  });

  it('drops non-string resource and reason arguments', () => {
    const tracker = seeded();
    call(tracker, 'recordLeaseAssignment', 'v', good, 17, { id: 1 });
    call(tracker, 'recordDisconnect', 'v', 404);
    expect(tracker.anomalyCount('metadata-invalid')).toBe(3);
    expect(Object.keys(tracker.snapshot().find((s) => s.peerId === 'v')?.metadata ?? {})).toEqual([]);
  });

  it('stores __proto__ and constructor keys as plain data', () => {
    const tracker = new PeerLeaseHealthTracker({ clock: new ManualClock(T0) });
    const metadata = JSON.parse('{"__proto__":"polluted","constructor":"c","toString":"t"}') as Record<string, string>;
    tracker.recordGossip('w', metadata);
    const snapshot = tracker.snapshot()[0];
    expect(snapshot?.metadata['__proto__']).toBe('polluted');
    expect(snapshot?.metadata['constructor']).toBe('c');
    expect(Object.keys(snapshot?.metadata ?? {})).toContain('__proto__');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.getPrototypeOf(snapshot?.metadata)).toBeNull();
  });
});

describe('release arguments', () => {
  it.each([['"true"', 'true'], ['1', 1], ['null', null], ['undefined', undefined]])(
    'rejects requeued = %s with a typed error naming requeued, before anything changes',
    (_label, requeued) => {
      const tracker = seeded();
      const before = JSON.stringify(tracker.snapshot());
      let thrown: unknown;
      try {
        call(tracker, 'recordLeaseReleased', 'w', good, requeued);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(PeerHealthInputError);
      expect((thrown as PeerHealthInputError).argument).toBe('requeued');
      expect((thrown as PeerHealthInputError).code).toBe('PEER_HEALTH_ERR_INVALID_INPUT');
      expect(JSON.stringify(tracker.snapshot())).toBe(before);
    },
  );
});

describe('options', () => {
  it.each([
    ['heartbeatGracePeriodMs', { heartbeatGracePeriodMs: 0 }],
    ['heartbeatGracePeriodMs', { heartbeatGracePeriodMs: Number.NaN }],
    ['retentionMs', { retentionMs: -5 }],
    ['maxPeerLabelValues', { maxPeerLabelValues: 1.5 }],
    ['metadataLimits.maxEntriesPerPeer', { metadataLimits: { maxEntriesPerPeer: 0 } }],
    ['clock', { clock: {} }],
    ['alertPublisher', { alertPublisher: { send: () => undefined } }],
    ['retentionMs', { heartbeatGracePeriodMs: 10_000, retentionMs: 9_999 }],
    ['maxPeers', { maxPeers: 0 }],
    ['options', null],
  ])('names the bad option %s', (option, options) => {
    let thrown: unknown;
    try {
      new PeerLeaseHealthTracker(options as never);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(PeerHealthConfigurationError);
    expect((thrown as PeerHealthConfigurationError).option).toBe(option);
    expect((thrown as Error).message).toContain(`'${option}'`);
  });
});

describe('module options', () => {
  it.each([['null', null], ['a number', 5], ['a string', 'grace']])('PeerHealthModule.forRoot(%s) fails at once, naming the options', (_label, options) => {
    let thrown: unknown;
    try {
      PeerHealthModule.forRoot(options as never);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(PeerHealthConfigurationError);
    expect((thrown as PeerHealthConfigurationError).option).toBe('options');
    expect((thrown as PeerHealthConfigurationError).code).toBe('PEER_HEALTH_ERR_CONFIGURATION');
    expect((thrown as Error).message).toMatch(/PeerHealthModule\.forRoot\(\) takes an options object/);
  });
});
