// The worker side of the producer specs: a real worker thread that connects to a tracker of the
// main thread through the kit's compiled `/producer` subpath and records what it is told to.
// workerData: { handle, mode, ... } (see each mode); it posts its results to the main thread.
const { parentPort, workerData } = require('node:worker_threads');
const { connectPeerHealthProducer } = require('@omnirelay/peer-health/producer');

/** The argument the kit's input error names, or null when the call went through. */
function attempt(call) {
  try {
    call();
    return null;
  } catch (error) {
    if (error && error.name === 'PeerHealthInputError') return error.argument;
    throw error;
  }
}

const modes = {
  /** Random steps of the property spec, stamped by a simulated clock that only the steps move. */
  async steps({ handle, steps, pool: poolFields, start }) {
    let now = start;
    const producer = connectPeerHealthProducer(handle, { clock: { now: () => now } });
    const pool = poolFields.map((fields) => ({ ...fields }));
    const recorders = new Map();
    const recorderOf = (peerId) => {
      if (!recorders.has(peerId)) recorders.set(peerId, producer.peer(peerId));
      return recorders.get(peerId);
    };
    const handleOf = (ref) => (ref === null || ref === undefined ? ref : 'pool' in ref ? pool[ref.pool] : { ...ref.fresh });
    const errors = [];
    for (const s of steps) {
      if (s.kind === 'advance') {
        now += s.ms;
        errors.push(null);
        continue;
      }
      if (s.kind === 'mutate') {
        pool[s.pool][s.field] = s.value;
        errors.push(null);
        continue;
      }
      const handle = handleOf(s.handle);
      const byId = s.via === 'id';
      switch (s.kind) {
        case 'assign':
          errors.push(attempt(() => (byId ? producer.recordLeaseAssignment(s.peerId, handle, s.resourceType, s.resourceId) : recorderOf(s.peerId).assign(handle, s.resourceType, s.resourceId))));
          break;
        case 'release':
          errors.push(attempt(() => (byId ? producer.recordLeaseReleased(s.peerId, handle, s.requeued) : recorderOf(s.peerId).release(handle, s.requeued))));
          break;
        case 'heartbeat':
          errors.push(attempt(() => (byId ? producer.recordLeaseHeartbeat(s.peerId, handle, s.pendingCount) : recorderOf(s.peerId).heartbeat(handle, s.pendingCount))));
          break;
        case 'disconnect':
          errors.push(attempt(() => (byId ? producer.recordDisconnect(s.peerId, s.reason) : recorderOf(s.peerId).disconnect(s.reason))));
          break;
        case 'gossip': {
          const metadata = s.asMap ? new Map(s.entries) : Object.fromEntries(s.entries.filter(([key]) => typeof key === 'string'));
          errors.push(attempt(() => (byId ? producer.recordGossip(s.peerId, metadata) : recorderOf(s.peerId).gossip(metadata))));
          break;
        }
      }
    }
    await producer.flush();
    producer.close();
    parentPort.postMessage({ errors, end: now });
  },

  /** Heartbeats over `peers` peers without end; says 'started' after `announceAfter` of them. */
  flood({ handle, peers, announceAfter }) {
    const producer = connectPeerHealthProducer(handle, { maxWaitMs: 60_000 });
    const leases = Array.from({ length: peers }, (_, i) => ({ sequenceId: i + 1, attempt: 1, leaseId: `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}` }));
    for (let n = 0; ; n++) {
      const i = n % peers;
      producer.recordLeaseHeartbeat(`flood-${i}`, leases[i], n % 7);
      if (n === announceAfter) parentPort.postMessage('started');
    }
  },

  /** On 'go', records `count` heartbeats; reports how many went through and the error that stopped it. */
  backpressure({ handle, count, maxWaitMs }) {
    const producer = connectPeerHealthProducer(handle, { maxWaitMs });
    const lease = { sequenceId: 1, attempt: 1, leaseId: '00000000-0000-4000-8000-000000000001' };
    parentPort.once('message', async () => {
      let recorded = 0;
      let error = null;
      try {
        for (; recorded < count; recorded++) producer.recordLeaseHeartbeat(`slow-${recorded % 50}`, lease, recorded % 5);
      } catch (caught) {
        error = { name: caught.name, code: caught.code, waitedMs: caught.waitedMs };
      }
      await producer.flush();
      // Closed before the report: the main thread may terminate this worker as soon as it reads it.
      producer.close();
      parentPort.postMessage({ recorded, error });
    });
    parentPort.postMessage('ready');
  },

  /**
   * Each call of `calls` on the producer; reports the error of each (name, code, argument, message),
   * and what connecting a second producer to the same handle threw.
   */
  async calls({ handle, calls }) {
    const producer = connectPeerHealthProducer(handle);
    let second = null;
    try {
      connectPeerHealthProducer(handle);
    } catch (error) {
      second = { name: error.name, option: error.option };
    }
    const results = [];
    for (const { method, args } of calls) {
      try {
        producer[method](...args);
        results.push(null);
      } catch (error) {
        results.push({ name: error.name, code: error.code, argument: error.argument, message: error.message });
      }
    }
    await producer.flush();
    parentPort.postMessage({ results, second });
    parentPort.once('message', () => {
      try {
        producer.recordLeaseHeartbeat('after-close');
        parentPort.postMessage(null);
      } catch (error) {
        parentPort.postMessage({ name: error.name, code: error.code });
      }
    });
  },
};

Promise.resolve(modes[workerData.mode](workerData)).catch((error) => {
  parentPort.postMessage({ crashed: String(error && error.stack) });
});
