import { CHUNK_BYTES } from './body-chunk-bytes';

/**
 * Chunk buffers of tracker bodies nobody reads any more, kept for the next rendering. A full render
 * of a large fleet otherwise hands out tens of MB of fresh external memory each time, which V8
 * answers with full mark-compacts of the whole heap. Holds at most `capacity` buffers (set to the
 * size of the last body), so the pool is at most one body's worth of memory.
 * @internal
 */
export class BodyChunkPool {
  private readonly free: Buffer[] = [];
  private capacity = 0;

  /** A CHUNK_BYTES buffer: a returned one when there is one, else a new one. Its content is garbage. */
  take(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafe(CHUNK_BYTES);
  }

  /** Takes back buffers from take() that nothing reads or will read any more. */
  give(buffers: readonly Buffer[]): void {
    for (const buffer of buffers) {
      if (this.free.length >= this.capacity) return;
      this.free.push(buffer);
    }
  }

  /** How many buffers may wait here: the buffer count of the latest body (the next is about that size). */
  fitTo(buffers: number): void {
    this.capacity = buffers;
    if (this.free.length > buffers) this.free.length = buffers;
  }

  /** Buffers waiting to be reused. */
  get size(): number {
    return this.free.length;
  }
}
