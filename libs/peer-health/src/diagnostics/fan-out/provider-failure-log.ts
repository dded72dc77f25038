import type { LoggerService } from '@nestjs/common';
import type { Clock } from '../../base/clock';

/** A failing provider is logged at most once in this span; the repeats in between are counted. */
export const PROVIDER_FAILURE_LOG_INTERVAL_MS = 60_000;

/** Longest part of a provider's error message that reaches the log. */
const MAX_DETAIL_LENGTH = 200;

interface ProviderLogState {
  lastLoggedAt: number;
  suppressed: number;
}

/** The message of a thrown value, one line, cut to a bounded length. */
export function failureDetail(error: unknown): string {
  const text = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ');
  return text.length > MAX_DETAIL_LENGTH ? `${text.slice(0, MAX_DETAIL_LENGTH)}…` : text;
}

/**
 * Logs provider failures at most once per interval per provider: a provider that fails on every
 * fetch of a busy endpoint must not flood the log. The next line that gets through says how many
 * failures of that provider were held back since the previous one.
 */
export class ProviderFailureLog {
  private readonly states = new WeakMap<object, ProviderLogState>();

  constructor(
    private readonly logger: Pick<LoggerService, 'warn'>,
    private readonly clock: Clock,
    private readonly intervalMs = PROVIDER_FAILURE_LOG_INTERVAL_MS,
  ) {}

  report(provider: object, message: string): void {
    const now = this.clock.now();
    const state = this.states.get(provider);
    // A clock set back (a test clock, a corrected wall clock) opens a new interval.
    if (state !== undefined && now >= state.lastLoggedAt && now - state.lastLoggedAt < this.intervalMs) {
      state.suppressed++;
      return;
    }
    const suppressed = state?.suppressed ?? 0;
    this.states.set(provider, { lastLoggedAt: now, suppressed: 0 });
    this.logger.warn(suppressed > 0 ? `${message} (${suppressed} repeated failure(s) not logged since the last report)` : message);
  }
}
