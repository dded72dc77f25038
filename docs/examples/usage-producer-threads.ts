import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { PeerLeaseHealthTracker, type PeerHealthProducerHandle } from '@omnirelay/peer-health';
import { connectPeerHealthProducer } from '@omnirelay/peer-health/producer';

// One file, two threads: the main thread owns the tracker; a worker (this same file) decodes the
// lease traffic and records what it learns through the channel's shared memory.
async function decodeOnWorker(handle: PeerHealthProducerHandle): Promise<void> {
  const producer = connectPeerHealthProducer(handle);
  const lease = { sequenceId: 7, attempt: 1, leaseId: '00000000-0000-4000-8000-000000000007' };
  const worker = producer.peer('worker-1');
  worker.assign(lease, 'catalog', 'sku-42');
  worker.heartbeat(lease, 3);
  producer.recordGossip('worker-1', { 'mesh.role': 'worker' });
  try {
    producer.recordLeaseHeartbeat('', lease);
  } catch (error) {
    console.log(`rejected in the worker: ${(error as Error).name}`);
  }
  await producer.flush(); // everything above is applied by the tracker now
  parentPort?.postMessage('flushed');
  producer.close();
}

function ownTheTracker(): void {
  const tracker = new PeerLeaseHealthTracker({ heartbeatGracePeriodMs: 5000 });
  const channel = tracker.openProducerChannel();
  const decoder = new Worker(__filename, { workerData: channel.handle, transferList: [channel.handle.port] });
  decoder.once('message', () => {
    const [peer] = tracker.snapshot();
    console.log(`${peer?.peerId ?? '-'}: ${peer?.activeAssignments ?? 0} lease, pending.count ${peer?.metadata['pending.count'] ?? '-'}, mesh.role ${peer?.metadata['mesh.role'] ?? '-'}`);
  });
  decoder.once('exit', () => {
    // The channel closes with its worker: 'closed' after producer.close(), 'dropped' had it died.
    const check = (): void => {
      if (channel.state === 'open') {
        setImmediate(check);
        return;
      }
      console.log(`channel ${channel.state}, ${channel.eventsApplied} events applied`);
      tracker.dispose();
    };
    check();
  });
}

if (isMainThread) ownTheTracker();
else void decodeOnWorker(workerData as PeerHealthProducerHandle);
