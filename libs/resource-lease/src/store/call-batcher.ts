/** One call waiting in a batch: what it asked, and how to answer it. */
export interface BatchedCall<I, O> {
  readonly input: I;
  resolve(value: O): void;
  reject(error: unknown): void;
}

export interface CallBatcherOptions<I, O> {
  /** Calls per batch at most (an etcd transaction holds at most 128 operations). */
  readonly maxBatch: number;
  /** Batches running at once at most: a call made while fewer run starts a batch at once. */
  readonly inFlight: number;
  /**
   * While a batch runs, a new one starts only once `minBatch` calls wait, or `waitMs` after the first of
   * them came (or when the running batch ends), whichever is first. A call that finds no batch running
   * always starts one at once. Without it, calls start a batch at once while fewer than `inFlight` run.
   */
  readonly gather?: { readonly minBatch: number; readonly waitMs: number };
  /**
   * Runs one batch: answers each call, or hands it back to run in the next batch (its race was lost
   * but it may still succeed). Throwing rejects every call of the batch not answered yet.
   */
  readonly run: (batch: ReadonlyArray<BatchedCall<I, O>>) => Promise<ReadonlyArray<BatchedCall<I, O>>>;
}

/**
 * Coalesces calls into batches: a call starts a batch at once while fewer than `inFlight` run, and
 * calls made while they all run go together into the next batch when one ends. Under light load each
 * call is its own batch (no added latency); under heavy load N calls cost one etcd transaction, and a
 * call waits at most for one batch before its own. With `gather`, a batch that would start beside a
 * running one while only a few calls wait waits a moment for more (bounded by `waitMs`), so that a
 * load of a few clients is not split into batches of one or two.
 * @internal
 */
export class CallBatcher<I, O> {
  private waiting: Array<BatchedCall<I, O>> = [];
  private running = 0;
  /** The gather window's timer, while calls wait for more to join them. */
  private timer: NodeJS.Timeout | undefined;
  private windowEnded = false;

  constructor(private readonly options: CallBatcherOptions<I, O>) {}

  submit(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ input, resolve, reject });
      this.drain();
    });
  }

  private drain(): void {
    while (this.running < this.options.inFlight && this.waiting.length > 0) {
      if (this.running > 0 && !this.windowEnded && this.waiting.length < (this.options.gather?.minBatch ?? 0)) {
        this.timer ??= setTimeout(() => this.endWindow(), this.options.gather?.waitMs);
        return;
      }
      if (this.timer !== undefined) {
        clearTimeout(this.timer);
        this.timer = undefined;
      }
      const batch = this.waiting.splice(0, this.options.maxBatch);
      this.running++;
      void this.runBatch(batch);
    }
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
