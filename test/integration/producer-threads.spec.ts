import {
  PEER_HEALTH_METRICS,
  PeerHealthMetrics,
  PeerHealthInputError,
  PeerLeaseHealthTracker,
  PeerLeaseHealthDiagnostics,
  serializeLeaseHealth,
  type PeerHealthProducerChannel,
} from '@omnirelay/peer-health';
import * as promClient from 'prom-client';
import { pollUntil } from '../support/poll';
import { blockThread, nextMessage, startProducer } from '../support/producer-threads';
import { sampleValue } from '../support/prometheus-text';

// Producers on real worker threads, recording into a tracker of this thread through the kit's
// `/producer` subpath: a producer killed mid-stream, a ring filled while this thread is blocked,
// bad input thrown in the worker as it is on this thread, and the producer metrics.

const quiet = { warn: () => undefined, error: () => undefined };

function metricsOf(tracker: PeerLeaseHealthTracker): () => Promise<string> {
  const registry = new promClient.Registry();
  PeerHealthMetrics.attach(promClient, registry, tracker);
  return () => registry.metrics();
}

async function ended(channel: PeerHealthProducerChannel): Promise<string> {
  return (await pollUntil('the channel to end', () => Promise.resolve(channel.state === 'open' ? undefined : channel.state), 10_000, 10)).value;
}

describe('producers on worker threads', () => {
  it('a producer terminated mid-stream: its channel is dropped and counted, every applied event is whole, the tracker goes on', async () => {
    const tracker = new PeerLeaseHealthTracker({ logger: quiet });
    const metrics = metricsOf(tracker);
    const channel = tracker.openProducerChannel({ capacityBytes: 1 << 16 });
    expect(sampleValue(await metrics(), PEER_HEALTH_METRICS.producerChannels)).toBe(1);
    const worker = startProducer('flood', channel.handle, { peers: 500, announceAfter: 20_000 });
    await expect(nextMessage(worker)).resolves.toBe('started');
    // Killed while it still records: after the tracker applied more than it had announced.
    await pollUntil('more than 20,000 events applied', () => Promise.resolve(channel.eventsApplied > 20_000 ? true : undefined), 10_000, 5);
    await worker.terminate();

    expect(await ended(channel)).toBe('dropped');
    const text = await metrics();
    expect(sampleValue(text, PEER_HEALTH_METRICS.producerChannels)).toBe(0);
    expect(sampleValue(text, PEER_HEALTH_METRICS.producerChannelsDropped)).toBe(1);
    expect(sampleValue(text, PEER_HEALTH_METRICS.producerEventsApplied)).toBe(channel.eventsApplied);
    expect(channel.eventsApplied).toBeGreaterThan(20_000);
    // Every applied event is a whole heartbeat: counted once, its peer holding exactly its one lease.
    let heartbeats = 0;
    for (let i = 0; i < 500; i++) heartbeats += sampleValue(text, PEER_HEALTH_METRICS.heartbeats, { rpc_peer: `flood-${i}` }) ?? 0;
    expect(heartbeats).toBe(channel.eventsApplied);
    const snapshots = tracker.snapshot();
    expect(snapshots).toHaveLength(500);
    for (const peer of snapshots) {
      const i = Number(peer.peerId.slice('flood-'.length));
      expect(peer.activeLeases).toEqual([{ sequenceId: i + 1, attempt: 1, leaseId: `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}` }]);
      expect(Number(peer.metadata['pending.count'])).toBeLessThan(7);
    }
    expect(tracker.counts()).toEqual({ eligiblePeers: 500, unhealthyPeers: 0, pendingReassignments: 0, trackedPeers: 500 });

    // The tracker takes a new producer as before.
    const next = tracker.openProducerChannel();
    const calls = startProducer('calls', next.handle, { calls: [{ method: 'recordDisconnect', args: ['flood-0', 'restarted'] }] });
    await expect(nextMessage(calls)).resolves.toEqual({ results: [null], second: { name: 'PeerHealthConfigurationError', option: 'handle' } });
    expect(tracker.snapshot().find((peer) => peer.peerId === 'flood-0')?.isHealthy).toBe(false);
    await calls.terminate();
    tracker.dispose();
  }, 60_000);

  it('a ring filled by a slow consumer loses nothing, keeps its size, counts the wait, and throws the typed error past the bound', async () => {
    // Values of at most 256 characters: a 4 KiB ring holds four of the longest record.
    const tracker = new PeerLeaseHealthTracker({ logger: quiet, metadataLimits: { maxValueLength: 256 } });
    const metrics = metricsOf(tracker);

    // The bound is longer than this thread is blocked: every event goes through, after a wait.
    const patient = tracker.openProducerChannel({ capacityBytes: 4096 });
    expect(patient.handle.ring.byteLength).toBe(4096);
    const first = startProducer('backpressure', patient.handle, { count: 20_000, maxWaitMs: 10_000 });
    await expect(nextMessage(first)).resolves.toBe('ready');
    const firstDone = nextMessage<{ recorded: number; error: unknown }>(first);
    first.postMessage('go');
    blockThread(300);
    await expect(firstDone).resolves.toEqual({ recorded: 20_000, error: null });
    expect(patient.eventsApplied).toBe(20_000);
    expect(patient.waits).toBeGreaterThanOrEqual(1);
    expect(patient.handle.ring.byteLength).toBe(4096);
    const applied = tracker.snapshot().reduce((sum, peer) => sum + Number(peer.peerId.startsWith('slow-')), 0);
    expect(applied).toBe(50);

    // The bound is shorter: the call that finds no room throws; what was recorded before it is all applied.
    const hasty = tracker.openProducerChannel({ capacityBytes: 4096 });
    const second = startProducer('backpressure', hasty.handle, { count: 1_000_000, maxWaitMs: 50 });
    await expect(nextMessage(second)).resolves.toBe('ready');
    const secondDone = nextMessage<{ recorded: number; error: { name: string; code: string; waitedMs: number } | null }>(second);
    second.postMessage('go');
    blockThread(1000);
    const { recorded, error } = await secondDone;
    expect(error).toEqual({ name: 'PeerHealthProducerBackpressureError', code: 'PEER_HEALTH_ERR_PRODUCER_FULL', waitedMs: 50 });
    expect(recorded).toBeLessThan(1_000_000);
    expect(hasty.eventsApplied).toBe(recorded);
    expect(hasty.waits).toBeGreaterThanOrEqual(1);

    const text = await metrics();
    expect(sampleValue(text, PEER_HEALTH_METRICS.producerWaits)).toBe(patient.waits + hasty.waits);
    expect(sampleValue(text, PEER_HEALTH_METRICS.producerEventsApplied)).toBe(20_000 + recorded);
    await Promise.all([first.terminate(), second.terminate()]);
    expect(await ended(patient)).toBe('closed');
    expect(await ended(hasty)).toBe('closed');
    expect(sampleValue(await metrics(), PEER_HEALTH_METRICS.producerChannelsDropped)).toBe(0);
    tracker.dispose();
  }, 60_000);

  it('bad input throws in the worker the error this thread would throw, writes nothing, and is counted as here', async () => {
    const lease = { sequenceId: 1, attempt: 1, leaseId: '00000000-0000-4000-8000-000000000001' };
    const calls: Array<{ method: string; args: unknown[] }> = [
      { method: 'recordLeaseHeartbeat', args: [''] },
      { method: 'recordLeaseHeartbeat', args: ['x'.repeat(300)] },
      { method: 'recordLeaseHeartbeat', args: [42] },
      { method: 'recordLeaseHeartbeat', args: ['w-1', lease, -1] },
      { method: 'recordLeaseHeartbeat', args: ['w-1', { ...lease, leaseId: 'nope' }] },
      { method: 'recordLeaseAssignment', args: ['w-1', { ...lease, sequenceId: 1.5 }] },
      { method: 'recordLeaseAssignment', args: ['w-1', 'not a handle'] },
      { method: 'recordLeaseReleased', args: ['w-1', lease, 'yes'] },
      { method: 'recordLeaseReleased', args: ['w-1', { ...lease, attempt: -2 }, true] },
      { method: 'recordDisconnect', args: ['   '] },
      { method: 'recordGossip', args: [null, {}] },
      { method: 'peer', args: [''] },
    ];
    const here = new PeerLeaseHealthTracker({ logger: quiet });
    const expected = calls.map(({ method, args }) => {
      try {
        (here as unknown as Record<string, (...a: unknown[]) => unknown>)[method]?.(...args);
        return null;
      } catch (error) {
        if (!(error instanceof PeerHealthInputError)) throw error;
        return { name: error.name, code: error.code, argument: error.argument, message: error.message };
      }
    });
    expect(expected.every((result) => result !== null)).toBe(true);

    const tracker = new PeerLeaseHealthTracker({ logger: quiet });
    const channel = tracker.openProducerChannel();
    const worker = startProducer('calls', channel.handle, { calls });
    // One writer per ring: a second producer on the same handle is refused.
    await expect(nextMessage(worker)).resolves.toEqual({ results: expected, second: { name: 'PeerHealthConfigurationError', option: 'handle' } });
    expect(tracker.snapshot()).toEqual([]);
    expect(channel.eventsApplied).toBe(0);
    expect(tracker.anomalyCount('invalid-input')).toBe(here.anomalyCount('invalid-input'));
    expect(serializeLeaseHealth(PeerLeaseHealthDiagnostics.fromSnapshots(tracker.snapshot()))).toBe(
      serializeLeaseHealth(PeerLeaseHealthDiagnostics.fromSnapshots(here.snapshot())),
    );

    // Closed on this thread: the producer's next call throws its own typed error.
    channel.close();
    expect(channel.state).toBe('closed');
    const afterClose = nextMessage(worker);
    worker.postMessage('again');
    await expect(afterClose).resolves.toEqual({ name: 'PeerHealthProducerClosedError', code: 'PEER_HEALTH_ERR_PRODUCER_CLOSED' });
    await worker.terminate();
    tracker.dispose();
    here.dispose();
  }, 60_000);
});
