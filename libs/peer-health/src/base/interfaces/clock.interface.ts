/** Source of the current time, in epoch milliseconds. Injected so tests and simulations control time. */
export interface Clock {
  /** The current time in epoch milliseconds; must not go backwards in normal operation. */
  now(): number;
}

/** A timer the tracker armed; cancelling an already fired timer is a no-op. */
export interface ScheduledTimer {
  /** Stops the timer from firing; harmless once it fired or was cancelled. */
  cancel(): void;
}

/**
 * Where the tracker arms the single timer that drives time-based health evaluation.
 * The default uses Node's timers (unref'd, so an idle tracker never keeps a process alive).
 */
export interface PeerHealthTimers {
  /** Calls `callback` once, `delayMs` milliseconds from now (0 or less: as soon as possible), unless cancelled. */
  schedule(callback: () => void, delayMs: number): ScheduledTimer;
  /**
   * Optional: timers of a simulated clock fire exactly when due, so the tracker may arm them to the
   * millisecond instead of rounding to its wheel's buckets.
   */
  readonly precise?: boolean;
  /**
   * Optional: calls `listener` each time a simulated clock has moved and fired its timers; the
   * tracker then applies every deadline that passed, to the millisecond. Returns the unsubscribe.
   */
  onAdvanced?(listener: () => void): () => void;
}
