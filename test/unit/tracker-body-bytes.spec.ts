import { ManualClock, PeerHealthDiagnosticsService, PeerLeaseHealthDiagnostics, PeerLeaseHealthTracker, serializeLeaseHealth } from '@omnirelay/peer-health';
import { bodyText } from '../support/body-text';

// The tracker's renderer writes changed entries byte by byte into shared 1 MiB buffers, after making
// room for each entry's worst case. Entries near and above a buffer's size, with text that needs
// escaping or UTF-8, must come out exactly as the plain serializer (the slow twin) writes them,
// both when written and when copied from the previous body.

const T0 = Date.UTC(2026, 10, 27, 13, 0, 0, 123);

describe('the tracker body written as bytes', () => {
  it('matches the plain serializer for entries larger than a buffer and for escaped and non-ASCII text', async () => {
    const clock = new ManualClock(T0);
    const tracker = new PeerLeaseHealthTracker({ clock, heartbeatGracePeriodMs: 60_000, metadataLimits: { maxValueLength: 2_000_000 } });
    const service = new PeerHealthDiagnosticsService([tracker], tracker, { providerTimeoutMs: 1000, telemetry: { enabled: false, registry: undefined } });
    const expected = () => serializeLeaseHealth(PeerLeaseHealthDiagnostics.fromSnapshots(tracker.snapshot()));
    const handle = (n: number) => ({ sequenceId: Number.MAX_SAFE_INTEGER - n, attempt: n, leaseId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}` });

    // Small entries around big ones: ASCII that fills most of a buffer, UTF-8 (2 and 3 bytes, a
    // surrogate pair) and escapes (quote, backslash, control, lone surrogate) past a buffer's size.
    for (let i = 0; i < 300; i++) tracker.recordLeaseAssignment(`peer-${String(i).padStart(3, '0')}`, handle(i), 'catalog', `item-${i}`);
    tracker.recordGossip('peer-010', { big: 'a'.repeat(1_000_000) });
    tracker.recordGossip('peer-011', { 'clé "x"': 'é€😀'.repeat(200_000) });
    tracker.recordGossip('peer-012', { escapes: '"\\\n\u0001\ud800'.repeat(250_000) });
    tracker.recordDisconnect('peer-013', 'réseau "coupé"');
    clock.advance(1);

    const first = await bodyText((await service.render()).body);
    expect(first).toBe(expected());
    expect(Buffer.byteLength(first)).toBeGreaterThan(3 * (1 << 20));

    // Some entries change (written again), the others are copied from the first body.
    clock.advance(7);
    for (const i of [0, 9, 11, 14, 299]) tracker.recordLeaseHeartbeat(`peer-${String(i).padStart(3, '0')}`, handle(i), i);
    const second = await bodyText((await service.render()).body);
    expect(second).toBe(expected());
    expect(second).not.toBe(first);
  });
});
