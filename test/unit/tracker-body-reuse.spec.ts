import type { Readable } from 'node:stream';
import {
  ManualClock,
  PeerHealthDiagnosticsService,
  PeerLeaseHealthDiagnostics,
  PeerLeaseHealthTracker,
  serializeLeaseHealth,
  type HeldLeaseHealth,
} from '@omnirelay/peer-health';

// Full renderings of a large fleet write into 1 MiB buffers that are reused for later bodies once
// every holder of a body has released it. A body still held must keep its bytes, whatever is
// rendered meanwhile; a released one's buffers must actually be reused (else the pool is dead code).

const T0 = Date.UTC(2026, 10, 27, 15, 0);
// ~2.5 MB of body: three chunks.
const PEERS = 6000;
const peerId = (i: number) => `peer-${String(i).padStart(5, '0')}`;
const lease = (n: number) => ({ sequenceId: n, attempt: 1, leaseId: `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}` });

/** The body's chunks as they are (no copies): a multi-chunk tracker body is a stream of them. */
async function chunksOf(held: HeldLeaseHealth): Promise<Buffer[]> {
  const body = held.rendered.body as Readable;
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return chunks;
}

const backing = (chunks: readonly Buffer[]) => new Set(chunks.map((chunk) => chunk.buffer));
const shared = (a: Set<ArrayBufferLike>, b: Set<ArrayBufferLike>) => [...a].filter((buffer) => b.has(buffer)).length;
const text = (chunks: readonly Buffer[]) => Buffer.concat(chunks).toString('utf8');

describe('tracker body buffers', () => {
  it('keeps a held body intact while later bodies are rendered, and reuses the buffers of released ones', async () => {
    const clock = new ManualClock(T0);
    const tracker = new PeerLeaseHealthTracker({ clock, heartbeatGracePeriodMs: 600_000 });
    const service = new PeerHealthDiagnosticsService([tracker], tracker, { providerTimeoutMs: 1000, telemetry: { enabled: false, registry: undefined } });
    for (let i = 0; i < PEERS; i++) {
      tracker.recordGossip(peerId(i), { 'mesh.role': 'worker', zone: `z${i % 3}` });
      tracker.recordLeaseAssignment(peerId(i), lease(i + 1), 'catalog', `item-${i}`);
    }
    const expected = () => serializeLeaseHealth(PeerLeaseHealthDiagnostics.fromSnapshots(tracker.snapshot()));
    let round = 0;
    const changeAll = () => {
      clock.advance(1000);
      round++;
      for (let i = 0; i < PEERS; i++) tracker.recordLeaseHeartbeat(peerId(i), lease(i + 1), round);
    };

    const firstText = expected();
    const first = await service.renderHeld();
    const firstChunks = await chunksOf(first);
    expect(firstChunks.length).toBeGreaterThan(1);
    const firstBuffers = backing(firstChunks);

    const seen: Array<Set<ArrayBufferLike>> = [];
    for (let r = 0; r < 4; r++) {
      changeAll();
      const want = expected();
      const held = await service.renderHeld();
      const chunks = await chunksOf(held);
      expect(text(chunks)).toBe(want);
      seen.push(backing(chunks));
      held.release();
      held.release(); // a second release is ignored (else a body would be given back twice)
    }
    // The first body is still held: none of its buffers went into a later body, and its bytes are those of its version.
    for (const buffers of seen) expect(shared(buffers, firstBuffers)).toBe(0);
    expect(text(firstChunks)).toBe(firstText);
    // Bodies released by every holder were reused: the third rendering is written into the second's buffers, and so on.
    const [, second, third, fourth] = seen;
    expect(second && third && fourth).toBeDefined();
    expect(shared(seen[0] ?? new Set(), third ?? new Set())).toBeGreaterThan(0);
    expect(shared(second ?? new Set(), fourth ?? new Set())).toBeGreaterThan(0);

    first.release();
    tracker.dispose();
    // Five renderings of 6,000 peers and their plain twins: seconds idle, more on a loaded machine.
  }, 60_000);

  it('never reuses the buffers of a body handed out by render(), which has no release', async () => {
    const clock = new ManualClock(T0);
    const tracker = new PeerLeaseHealthTracker({ clock, heartbeatGracePeriodMs: 600_000 });
    const service = new PeerHealthDiagnosticsService([tracker], tracker, { providerTimeoutMs: 1000, telemetry: { enabled: false, registry: undefined } });
    for (let i = 0; i < PEERS; i++) tracker.recordLeaseAssignment(peerId(i), lease(i + 1), 'catalog', `item-${i}`);
    const kept: Array<{ text: string; chunks: Buffer[] }> = [];
    for (let r = 0; r < 4; r++) {
      clock.advance(1000);
      for (let i = 0; i < PEERS; i++) tracker.recordLeaseHeartbeat(peerId(i), lease(i + 1), r);
      const want = serializeLeaseHealth(PeerLeaseHealthDiagnostics.fromSnapshots(tracker.snapshot()));
      const body = (await service.render()).body as Readable;
      const chunks: Buffer[] = [];
      for await (const chunk of body) chunks.push(chunk as Buffer);
      kept.push({ text: want, chunks });
    }
    for (const { text: want, chunks } of kept) expect(text(chunks)).toBe(want);
    tracker.dispose();
  }, 60_000);
});
