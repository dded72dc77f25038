import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { PeerHealthProducerHandle } from '@omnirelay/peer-health';

/** The worker script of the producer specs (plain JavaScript: it runs in a real worker thread). */
export const PRODUCER_WORKER = resolve(__dirname, 'producer-worker.js');

/** Starts the producer worker in `mode`, handing it `handle` (its port transferred). */
export function startProducer(mode: string, handle: PeerHealthProducerHandle, data: Record<string, unknown> = {}): Worker {
  return new Worker(PRODUCER_WORKER, { workerData: { mode, handle, ...data }, transferList: [handle.port] });
}

/** The worker's next message; a worker that fails or exits first fails the wait. */
export function nextMessage<T>(worker: Worker): Promise<T> {
  return new Promise<T>((resolvePromise, reject) => {
    const cleanup = (): void => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const onMessage = (message: unknown): void => {
      cleanup();
      if (typeof message === 'object' && message !== null && 'crashed' in message) reject(new Error(String(message.crashed)));
      else resolvePromise(message as T);
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const onExit = (code: number): void => {
      cleanup();
      reject(new Error(`the producer worker exited with ${code} before answering`));
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}

/** Blocks this thread for `ms` (the tracker's thread then applies nothing: a slow consumer). */
export function blockThread(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
