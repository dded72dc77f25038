import { Inject, Injectable, Logger } from '@nestjs/common';
import { PEER_HEALTH_RESOLVED_OPTIONS, PEER_HEALTH_SNAPSHOT_PROVIDERS } from '../../base/peer-health.constants';
import type { ResolvedPeerHealthOptions } from '../../base/interfaces/peer-health-telemetry-options.interface';
import type { PeerHealthSnapshotProvider } from '../../base/interfaces/peer-health-snapshot-provider.interface';
import type { PeerHealthProviderAnswer } from '../../base/interfaces/peer-health-provider-answer.interface';
import type { PeerLeaseHealthSnapshot } from '../../base/interfaces/peer-lease-health-snapshot.interface';
import { systemClock } from '../../base/clock';
import { PeerLeaseHealthTracker } from '../../tracker/peer-lease-health.tracker';
import { PeerLeaseHealthDiagnostics } from '../peer-lease-health-diagnostics';
import { isProviderAnswer, missingSourceName, providerName, sourceOf } from './provider-answer';
import { failureDetail, ProviderFailureLog } from './provider-failure-log';
import { ProviderSnapshotCalls } from './provider-snapshot-calls';
import { remoteSourceCountOf } from './remote-source-count';

/** A provider's usable snapshots and the sources it could not read (entries of the partial header). */
export interface ProviderSnapshots {
  readonly snapshots: readonly PeerLeaseHealthSnapshot[];
  readonly missing: readonly string[];
}

/** The merged view and the providers it was built without. */
export interface CollectedSnapshots {
  readonly diagnostics: PeerLeaseHealthDiagnostics;
  readonly leftOut: readonly string[];
}

/**
 * Asks the registered snapshot providers (all at once) and checks their answers. A provider that
 * throws, rejects, answers garbage or does not answer within the timeout is left out of that
 * answer, counted as an anomaly of the tracker, and logged at most once a minute; the others are
 * still served.
 */
@Injectable()
export class ProviderFanOut {
  private readonly calls: ProviderSnapshotCalls;
  private readonly failures: ProviderFailureLog;

  constructor(
    /** Every registered provider, the tracker first. */
    @Inject(PEER_HEALTH_SNAPSHOT_PROVIDERS) readonly providers: readonly PeerHealthSnapshotProvider[],
    private readonly tracker: PeerLeaseHealthTracker,
    @Inject(PEER_HEALTH_RESOLVED_OPTIONS) private readonly options: ResolvedPeerHealthOptions,
  ) {
    this.calls = new ProviderSnapshotCalls(options.providerTimeoutMs);
    this.failures = new ProviderFailureLog(options.logger ?? new Logger('PeerHealthDiagnostics'), options.clock ?? systemClock);
  }

  /**
   * The providers that take part in an answer: remote providers with nothing to read sit out (so a
   * host without remote sources keeps the tracker's fast path), and a federated read is answered
   * without any remote provider (federation goes one hop, never round in circles).
   */
  serving(federated: boolean): readonly PeerHealthSnapshotProvider[] {
    let serving: PeerHealthSnapshotProvider[] | undefined;
    this.providers.forEach((provider, i) => {
      const remote = remoteSourceCountOf(provider);
      const sitsOut = typeof remote === 'number' && (federated || remote <= 0);
      if (sitsOut) serving ??= this.providers.slice(0, i);
      else serving?.push(provider);
    });
    return serving ?? this.providers;
  }

  /** The merged view of `providers`' answers. */
  async collect(providers: readonly PeerHealthSnapshotProvider[]): Promise<CollectedSnapshots> {
    return this.merge(providers, await this.answersOf(providers));
  }

  /** Every provider's answer, asked all at once; `known[i]`, when given, stands for provider i's. */
  answersOf(
    providers: readonly PeerHealthSnapshotProvider[],
    known: ReadonlyArray<ProviderSnapshots | undefined> = [],
  ): Promise<Array<ProviderSnapshots | undefined>> {
    return Promise.all(providers.map(async (provider, i) => known[i] ?? (await this.snapshotOf(provider))));
  }

  /** One view of the answers (undefined: that provider was left out), with the names of what is missing. */
  merge(providers: readonly PeerHealthSnapshotProvider[], answers: ReadonlyArray<ProviderSnapshots | undefined>): CollectedSnapshots {
    const lists = answers.map((answer) => answer?.snapshots ?? []);
    const leftOut = providers.flatMap((provider, i) => {
      const answer = answers[i];
      return answer === undefined ? [providerName(provider)] : answer.missing;
    });
    const diagnostics = PeerLeaseHealthDiagnostics.fromSnapshots(lists.length === 1 ? lists[0] : lists.flat());
    if (diagnostics.skippedSnapshots > 0) {
      this.tracker.reportAnomaly('invalid-snapshot', diagnostics.skippedSnapshots);
      this.failures.report(PeerLeaseHealthDiagnostics, `Skipped ${diagnostics.skippedSnapshots} malformed peer snapshot(s)`);
    }
    return { diagnostics, leftOut };
  }

  /** Counts and logs a provider that threw. */
  reportFailure(provider: PeerHealthSnapshotProvider, error: unknown): void {
    this.tracker.reportAnomaly('provider-failure');
    this.failures.report(provider, `Snapshot provider ${providerName(provider)} failed: ${failureDetail(error)}`);
  }

  /** The provider's snapshots, or undefined when it is left out of this answer. */
  private async snapshotOf(provider: PeerHealthSnapshotProvider): Promise<ProviderSnapshots | undefined> {
    const outcome = await this.calls.ask(provider);
    switch (outcome.kind) {
      case 'timeout':
        this.tracker.reportAnomaly('provider-timeout');
        this.failures.report(
          provider,
          `Snapshot provider ${providerName(provider)} did not answer within ${this.options.providerTimeoutMs} ms; served without it`,
        );
        return undefined;
      case 'error':
        this.reportFailure(provider, outcome.error);
        return undefined;
      case 'answer': {
        const { value } = outcome;
        if (value === null || value === undefined) return { snapshots: [], missing: [] };
        if (isProviderAnswer(value)) return this.withMissingSources(provider, value);
        if (!Array.isArray(value)) {
          this.tracker.reportAnomaly('invalid-snapshot');
          this.failures.report(provider, `Snapshot provider ${providerName(provider)} answered something that is not an array; served without it`);
          return undefined;
        }
        return { snapshots: value as readonly PeerLeaseHealthSnapshot[], missing: [] };
      }
    }
  }

  /** A multi-source answer: its snapshots are served, each missing source is counted, logged and named. */
  private withMissingSources(provider: PeerHealthSnapshotProvider, answer: PeerHealthProviderAnswer): ProviderSnapshots {
    const missing = answer.missingSources.map(sourceOf);
    if (missing.length > 0) {
      this.tracker.reportAnomaly('source-failure', missing.length);
      const details = missing.map(({ source, reason }) => `${source}: ${reason}`).join('; ');
      this.failures.report(provider, `Snapshot provider ${providerName(provider)} served without ${missing.length} source(s): ${failureDetail(details)}`);
    }
    return { snapshots: answer.snapshots, missing: missing.map(({ source }) => missingSourceName(provider, source)) };
  }
}
