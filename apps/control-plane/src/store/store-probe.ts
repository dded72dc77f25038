import type { Etcd3 } from 'etcd3';

/** Whether the external store answered the last probe, and why not. */
export interface StoreReachability {
  readonly reachable: boolean;
  /** Why the store counts as unreachable (the probe's error), absent while reachable. */
  readonly reason?: string;
}

/** One probe waits this long for etcd's answer: readiness must answer well within a probe's timeout. */
const PROBE_TIMEOUT_MS = 1000;
/** A probe's answer is reused this long: readiness is a public route, and callers must not set etcd's pace. */
const PROBE_REUSE_MS = 500;

/**
 * Asks etcd whether it answers (a read of one key, with a short deadline), for readiness. Probes are
 * shared: callers arriving while one is in flight get its answer, and an answer is reused for half a
 * second, so however many readiness requests arrive, etcd sees at most about two probes a second.
 */
export class StoreProbe {
  private last: { readonly at: number; readonly answer: StoreReachability } | undefined;
  private inFlight: Promise<StoreReachability> | undefined;

  constructor(
    private readonly client: Etcd3,
    private readonly key: string,
    private readonly now: () => number = Date.now,
  ) {}

  reachability(): Promise<StoreReachability> {
    const last = this.last;
    if (last !== undefined && this.now() - last.at < PROBE_REUSE_MS) return Promise.resolve(last.answer);
    this.inFlight ??= this.probe().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async probe(): Promise<StoreReachability> {
    let answer: StoreReachability;
    try {
      await this.client
        .get(this.key)
        .options({ deadline: Date.now() + PROBE_TIMEOUT_MS })
        .exec();
      answer = { reachable: true };
    } catch (error) {
      answer = { reachable: false, reason: `etcd unreachable: ${error instanceof Error ? error.message : String(error)}` };
    }
    this.last = { at: this.now(), answer };
    return answer;
  }
}
