/**
 * A discrete-event scheduler with a virtual clock: events run in order of their time (ties in the
 * order they were scheduled), and the clock jumps to each event's time as it runs. Nothing waits on
 * the wall clock, so minutes of mesh time take seconds of CPU, and a run replays exactly.
 * @internal
 */
export class EventScheduler {
  private readonly heap: ScheduledEvent[] = [];
  private sequence = 0;
  private clock: number;
  private ran = 0;

  constructor(startMs: number) {
    this.clock = startMs;
  }

  /** Virtual time in ms (whole milliseconds: gossip messages carry epoch ms as integers). */
  get now(): number {
    return this.clock;
  }

  /** Events run so far. */
  get eventsRun(): number {
    return this.ran;
  }

  get pending(): number {
    return this.heap.length;
  }

  /** Runs `action` `delayMs` from now (rounded up to a whole ms, never in the past). */
  after(delayMs: number, action: () => void): void {
    this.push({ at: this.clock + Math.max(0, Math.ceil(delayMs)), seq: this.sequence++, action });
  }

  /**
   * Runs events until `done()` holds after one of them, or until the next event is later than
   * `untilMs`; the clock then stands at the last event run (or at `untilMs` when time ran out).
   * Returns whether `done()` held.
   */
  runUntil(untilMs: number, done: () => boolean = () => false): boolean {
    if (done()) return true;
    for (;;) {
      const next = this.heap[0];
      if (!next || next.at > untilMs) {
        this.clock = Math.max(this.clock, untilMs);
        return false;
      }
      this.pop();
      this.clock = next.at;
      this.ran++;
      next.action();
      if (done()) return true;
    }
  }

  private push(event: ScheduledEvent): void {
    const heap = this.heap;
    heap.push(event);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const above = heap[parent];
      if (!above || !earlier(event, above)) break;
      heap[i] = above;
      i = parent;
    }
    heap[i] = event;
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop();
    if (!last || heap.length === 0) return;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = last;
      let at = -1;
      const l = heap[left];
      if (l && earlier(l, smallest)) {
        smallest = l;
        at = left;
      }
      const r = heap[right];
      if (r && earlier(r, smallest)) {
        smallest = r;
        at = right;
      }
      if (at < 0) break;
      heap[i] = smallest;
      i = at;
    }
    heap[i] = last;
  }
}

interface ScheduledEvent {
  readonly at: number;
  readonly seq: number;
  readonly action: () => void;
}

const earlier = (a: ScheduledEvent, b: ScheduledEvent): boolean => a.at < b.at || (a.at === b.at && a.seq < b.seq);
