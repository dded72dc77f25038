import type { Clock, PeerHealthTimers, ScheduledTimer } from './interfaces/clock.interface';

export type { Clock, PeerHealthTimers, ScheduledTimer } from './interfaces/clock.interface';

/** The default clock: `Date.now()`. */
export const systemClock: Clock = { now: () => Date.now() };

/** The default timers: Node's `setTimeout`, unref'd so that an idle tracker never keeps a process alive. */
export const systemTimers: PeerHealthTimers = {
  schedule(callback: () => void, delayMs: number): ScheduledTimer {
    const handle = setTimeout(callback, delayMs);
    handle.unref();
    return { cancel: () => clearTimeout(handle) };
  },
};

export function isPeerHealthTimers(value: unknown): value is PeerHealthTimers {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Partial<PeerHealthTimers>).schedule === 'function'
  );
}

interface ManualTimer {
  readonly dueAt: number;
  readonly order: number;
  readonly callback: () => void;
  cancelled: boolean;
}

/**
 * A clock that only moves when told to, and whose timers fire as it moves.
 * Pass it as `clock` and the tracker uses it for its timers too, so time-driven
 * transitions happen deterministically inside `advance()` / `set()`.
 */
export class ManualClock implements Clock, PeerHealthTimers {
  /** Timers fire exactly when due. */
  readonly precise = true;
  private current: number;
  private timers: ManualTimer[] = [];
  private nextOrder = 0;
  private readonly advancedListeners = new Set<() => void>();

  /** Starts the clock at `startMs` epoch milliseconds (default 0, the epoch). */
  constructor(startMs = 0) {
    this.current = startMs;
  }

  /** The time the clock was last moved to. */
  now(): number {
    return this.current;
  }

  /** Arms a timer that fires when `advance()` or `set()` moves the clock to or past now + `delayMs`. */
  schedule(callback: () => void, delayMs: number): ScheduledTimer {
    const timer: ManualTimer = {
      dueAt: this.current + Math.max(0, delayMs),
      order: this.nextOrder++,
      callback,
      cancelled: false,
    };
    this.timers.push(timer);
    return {
      cancel: () => {
        timer.cancelled = true;
      },
    };
  }

  /**
   * Moves the clock forward by `ms`, firing every timer that falls due on the way, in time order.
   * When it returns, every tracker deadline within the span has been applied and its listeners told.
   */
  advance(ms: number): void {
    this.set(this.current + ms);
  }

  /** Sets the clock to `epochMs`, firing timers as `advance` does. Moving backwards fires nothing. */
  set(epochMs: number): void {
    for (let timer = this.nextDue(epochMs); timer; timer = this.nextDue(epochMs)) {
      this.current = Math.max(this.current, timer.dueAt);
      timer.callback();
    }
    this.current = epochMs;
    for (const listener of this.advancedListeners) listener();
  }

  onAdvanced(listener: () => void): () => void {
    this.advancedListeners.add(listener);
    return () => this.advancedListeners.delete(listener);
  }

  /** Timers armed and not yet fired or cancelled. */
  get pendingTimers(): number {
    return this.timers.filter((timer) => !timer.cancelled).length;
  }

  private nextDue(limit: number): ManualTimer | undefined {
    this.timers = this.timers.filter((timer) => !timer.cancelled);
    let due: ManualTimer | undefined;
    for (const timer of this.timers) {
      if (timer.dueAt > limit) continue;
      if (!due || timer.dueAt < due.dueAt || (timer.dueAt === due.dueAt && timer.order < due.order)) {
        due = timer;
      }
    }
    if (due) due.cancelled = true;
    return due;
  }
}
