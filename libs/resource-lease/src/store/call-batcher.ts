/** One call waiting in a batch: what it asked, and how to answer it. */
export interface BatchedCall<I, O> {
  readonly input: I;
  resolve(value: O): void;
  reject(error: unknown): void;
}

export interface CallBatcherOptions<I, O> {
  /** Calls per batch at most (an etcd transaction holds at most 128 operations). */
  readonly maxBatch: number;
  /** Batches running at once at most. */
  readonly inFlight: number;
  /**
   * While a batch runs, a new one starts only once `minBatch` calls wait, or `waitMs` after the first of
   * them came (or when the running batch ends), whichever is first. While none runs, a call starts one
   * at the end of the event-loop turn it came in (setImmediate: the calls read from the same poll of the
   * sockets join it), unless the last batch held several calls: then the batch waits, at most `waitMs`,
   * for as many calls as that one held (at most `minBatch`). A lone caller never waits beyond its turn;
   * a few callers in a closed loop keep sharing batches instead of splitting into batches of one or
   * two. Without it, calls start a batch at once while fewer than `inFlight` run.
   */
  readonly gather?: { readonly minBatch: number; readonly waitMs: number };
  /**
   * Runs one batch: answers each call, or hands it back to run in the next batch (its race was lost
   * but it may still succeed). Throwing rejects every call of the batch not answered yet.
   */
  readonly run: (batch: ReadonlyArray<BatchedCall<I, O>>) => Promise<ReadonlyArray<BatchedCall<I, O>>>;
}

/**
 * Coalesces calls into batches: a call starts a batch while fewer than `inFlight` run, and calls made
 * while they all run go together into the next batch when one ends. Under light load each call is its
 * own batch (no added latency); under heavy load N calls cost one etcd transaction, and a call waits at
 * most for one batch before its own. With `gather`, a batch waits a moment for more calls when a few
 * callers are busy (bounded by `waitMs`), so that a load of a few clients is not split into batches of
 * one or two.
 * @internal
 */
export class CallBatcher<I, O> {
  private waiting: Array<BatchedCall<I, O>> = [];
  private running = 0;
  /** The gather window's timer, while calls wait for more to join them. */
  private timer: NodeJS.Timeout | undefined;
  private windowEnded = false;
  /** The start at the end of this event-loop turn, while the calls of the turn join it. */
  private turn: NodeJS.Immediate | undefined;
  /** Calls the last batch held. */
  private lastBatch = 0;

  constructor(private readonly options: CallBatcherOptions<I, O>) {}

  submit(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ input, resolve, reject });
      if (this.options.gather === undefined || this.running > 0) this.drain();
      else this.turn ??= setImmediate(() => this.endTurn());
    });
  }

  private drain(): void {
    while (this.running < this.options.inFlight && this.waiting.length > 0) {
      if (!this.windowEnded && this.waiting.length < this.gatherFor()) {
        this.timer ??= setTimeout(() => this.endWindow(), this.options.gather?.waitMs);
        return;
      }
      this.stopWaiting();
      const batch = this.waiting.splice(0, this.options.maxBatch);
      this.lastBatch = batch.length;
      this.running++;
      void this.runBatch(batch);
    }
  }

  /** Calls a new batch waits for now (0: it starts at once). */
  private gatherFor(): number {
    const minBatch = this.options.gather?.minBatch ?? 0;
    if (this.running > 0) return minBatch;
    return this.lastBatch > 1 ? Math.min(minBatch, this.lastBatch) : 0;
  }

  private stopWaiting(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.turn !== undefined) {
      clearImmediate(this.turn);
      this.turn = undefined;
    }
  }

  private endTurn(): void {
    this.turn = undefined;
    this.drain();
  }

  private endWindow(): void {
    this.timer = undefined;
    this.windowEnded = true;
    try {
      this.drain();
    } finally {
      this.windowEnded = false;
    }
  }

  private async runBatch(batch: ReadonlyArray<BatchedCall<I, O>>): Promise<void> {
    try {
      const again = await this.options.run(batch);
      // Ahead of calls that came later: they have waited longest.
      this.waiting.unshift(...again);
    } catch (error) {
      // A call answered already ignores the rejection (a promise settles once).
      for (const call of batch) call.reject(error);
    } finally {
      this.running--;
      this.drain();
    }
  }
}
