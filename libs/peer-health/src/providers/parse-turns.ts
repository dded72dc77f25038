import { performance } from 'node:perf_hooks';

/** Work one body parse may do in a row before it lets the event loop go on. */
export const SLICE_MS = 4;

const waiting: Array<() => void> = [];
let scheduled = false;

/** Resumes the first waiting parse, one per turn of the event loop. */
function resumeOne(): void {
  scheduled = false;
  const next = waiting.shift();
  // Scheduled from the check phase, the next one runs on the next turn, after the loop's I/O.
  if (waiting.length > 0) {
    scheduled = true;
    setImmediate(resumeOne);
  }
  next?.();
}

/**
 * Waits for this parse's next slice. Every body being parsed shares the same turns: one slice per
 * turn of the event loop in all, not one per parse, so eight hosts' bodies parsed at once hold the
 * loop no longer per turn than one would.
 */
function nextSlice(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    if (!scheduled) {
      scheduled = true;
      setImmediate(resumeOne);
    }
  });
}

/**
 * Gives the event loop a turn when the slice that started at `sliceStart` (performance.now()) has run
 * for SLICE_MS; returns when this parse may go on, with the start of its new slice.
 * @internal
 */
export async function yieldIfDue(sliceStart: number): Promise<number> {
  if (performance.now() - sliceStart < SLICE_MS) return sliceStart;
  await nextSlice();
  return performance.now();
}
