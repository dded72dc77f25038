import type { PeerHealthSnapshotProvider } from '../../base/interfaces/peer-health-snapshot-provider.interface';

/** How one provider's snapshot call ended, as far as one request is concerned. */
export type ProviderOutcome =
  | { readonly kind: 'answer'; readonly value: unknown }
  | { readonly kind: 'error'; readonly error: unknown }
  | { readonly kind: 'timeout' };

type Waiter = (outcome: ProviderOutcome) => void;

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}

/**
 * Calls providers' `snapshot()` with a time limit per request. While a provider's asynchronous
 * call is still running, later requests wait for that same call instead of starting another: a hung
 * provider holds one call, not one per fetch, and a request that gives up on it leaves nothing
 * attached to it.
 */
export class ProviderSnapshotCalls {
  private readonly running = new Map<PeerHealthSnapshotProvider, Set<Waiter>>();

  constructor(private readonly timeoutMs: number) {}

  ask(provider: PeerHealthSnapshotProvider): Promise<ProviderOutcome> {
    const waiters = this.running.get(provider) ?? this.start(provider);
    if (!(waiters instanceof Set)) return Promise.resolve(waiters);
    return new Promise((resolve) => {
      const waiter: Waiter = (outcome) => {
        clearTimeout(timer);
        resolve(outcome);
      };
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        resolve({ kind: 'timeout' });
      }, this.timeoutMs);
      timer.unref();
      waiters.add(waiter);
    });
  }

  /** Calls the provider; a synchronous outcome is returned as is, a pending one as its waiter set. */
  private start(provider: PeerHealthSnapshotProvider): Set<Waiter> | ProviderOutcome {
    let answer: unknown;
    try {
      // A provider of several sources also says which of them it could not read.
      answer = provider.partialSnapshot !== undefined ? provider.partialSnapshot() : provider.snapshot();
      if (!isPromiseLike(answer)) return { kind: 'answer', value: answer };
      const waiters = new Set<Waiter>();
      let settled: ProviderOutcome | undefined;
      const settle = (outcome: ProviderOutcome): void => {
        settled = outcome;
        if (this.running.get(provider) === waiters) this.running.delete(provider);
        for (const waiter of waiters) waiter(outcome);
        waiters.clear();
      };
      this.running.set(provider, waiters);
      answer.then(
        (value) => settle({ kind: 'answer', value }),
        (error: unknown) => settle({ kind: 'error', error }),
      );
      // A hand-made thenable may call back at once.
      return settled ?? waiters;
    } catch (error) {
      this.running.delete(provider);
      return { kind: 'error', error };
    }
  }
}
