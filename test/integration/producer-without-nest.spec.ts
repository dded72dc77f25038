import { Worker } from 'node:worker_threads';
import { PeerLeaseHealthTracker } from '@omnirelay/peer-health';
import { nextMessage } from '../support/producer-threads';

// The `/producer` subpath loads in a worker thread where Nest, prom-client and their companions
// cannot be resolved at all (as in a worker bundle without them), and records into a tracker here.
const WORKER = `
const Module = require('node:module');
const { parentPort, workerData } = require('node:worker_threads');
const absent = /^(@nestjs\\/|@willsoto\\/|prom-client$|reflect-metadata$|rxjs(\\/|$))/;
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (absent.test(request)) {
    const error = new Error("Cannot find module '" + request + "'");
    error.code = 'MODULE_NOT_FOUND';
    throw error;
  }
  return resolveFilename.call(this, request, ...rest);
};
const unreachable = ['@nestjs/common', '@nestjs/core', 'prom-client', 'reflect-metadata', 'rxjs'].filter((name) => {
  try { require(name); return false; } catch { return true; }
});
const { connectPeerHealthProducer } = require(workerData.producerPath);
const producer = connectPeerHealthProducer(workerData.handle);
producer.peer('worker-1').heartbeat({ sequenceId: 1, attempt: 1, leaseId: '00000000-0000-4000-8000-000000000001' }, 2);
producer.recordGossip('worker-1', { 'mesh.role': 'worker' });
producer.flush().then(() => {
  const loaded = Object.keys(require.cache).filter((file) => /node_modules\\/(@nestjs|prom-client|rxjs|reflect-metadata)/.test(file));
  parentPort.postMessage({ unreachable, loaded });
  producer.close();
});
`;

describe('the producer subpath in a worker without Nest or prom-client', () => {
  it('loads, records and flushes into the tracker of the main thread', async () => {
    const tracker = new PeerLeaseHealthTracker();
    const channel = tracker.openProducerChannel();
    const worker = new Worker(WORKER, {
      eval: true,
      workerData: { handle: channel.handle, producerPath: require.resolve('@omnirelay/peer-health/producer') },
      transferList: [channel.handle.port],
    });
    await expect(nextMessage(worker)).resolves.toEqual({
      unreachable: ['@nestjs/common', '@nestjs/core', 'prom-client', 'reflect-metadata', 'rxjs'],
      loaded: [],
    });
    const [peer] = tracker.snapshot();
    expect(peer?.peerId).toBe('worker-1');
    expect(peer?.metadata).toEqual({ 'mesh.role': 'worker', 'pending.count': '2' });
    expect(channel.eventsApplied).toBe(2);
    await worker.terminate();
    tracker.dispose();
  }, 30_000);
});
