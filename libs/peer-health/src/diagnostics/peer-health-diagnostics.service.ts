import { Inject, Injectable, Logger } from '@nestjs/common';
import { PEER_HEALTH_RESOLVED_OPTIONS, PEER_HEALTH_SNAPSHOT_PROVIDERS } from '../module/peer-health.constants';
import type { ResolvedPeerHealthOptions } from '../module/interfaces/peer-health-module-options.interface';
import type { PeerHealthSnapshotProvider } from '../providers/peer-health-snapshot-provider';
import type { PeerLeaseHealthSnapshot } from '../tracker/interfaces/peer-lease-health-snapshot.interface';
import { PeerLeaseHealthTracker } from '../tracker/peer-lease-health.tracker';
import { PeerLeaseHealthDiagnostics } from './peer-lease-health-diagnostics';

type ProviderResult = readonly PeerLeaseHealthSnapshot[] | null | undefined;

const TIMED_OUT = Symbol('timed out');

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}

function providerName(provider: PeerHealthSnapshotProvider): string {
  return provider.constructor.name || 'anonymous provider';
}

/**
 * Asks every registered provider for its snapshot and merges the answers. A provider that throws,
 * rejects, answers garbage or does not answer within the timeout is left out of that answer,
 * logged and counted; the others are still served.
 */
@Injectable()
export class PeerHealthDiagnosticsService {
  private readonly logger = new Logger('PeerHealthDiagnostics');

  constructor(
    @Inject(PEER_HEALTH_SNAPSHOT_PROVIDERS) private readonly providers: readonly PeerHealthSnapshotProvider[],
    private readonly tracker: PeerLeaseHealthTracker,
    @Inject(PEER_HEALTH_RESOLVED_OPTIONS) private readonly options: ResolvedPeerHealthOptions,
  ) {}

  async collect(): Promise<PeerLeaseHealthDiagnostics> {
    const lists = await Promise.all(this.providers.map((provider) => this.snapshotOf(provider)));
    const diagnostics = PeerLeaseHealthDiagnostics.fromSnapshots(lists.length === 1 ? lists[0] : lists.flat());
    if (diagnostics.skippedSnapshots > 0) {
      this.tracker.reportAnomaly('invalid-snapshot', diagnostics.skippedSnapshots);
      this.logger.warn(`Skipped ${diagnostics.skippedSnapshots} malformed peer snapshot(s)`);
    }
    return diagnostics;
  }

  /** Eligible when no provider says otherwise; a provider that throws is not counted against the peer. */
  isPeerEligible(peerId: string): boolean {
    for (const provider of this.providers) {
      try {
        if (!provider.isPeerEligible(peerId)) return false;
      } catch (error) {
        this.failed(provider, error);
      }
    }
    return true;
  }

  private async snapshotOf(provider: PeerHealthSnapshotProvider): Promise<readonly PeerLeaseHealthSnapshot[]> {
    try {
      const answer: unknown = provider.snapshot();
      const result = isPromiseLike(answer) ? await this.withTimeout(answer) : answer;
      if (result === TIMED_OUT) {
        this.tracker.reportAnomaly('provider-timeout');
        this.logger.warn(
          `Snapshot provider ${providerName(provider)} did not answer within ${this.options.providerTimeoutMs} ms; served without it`,
        );
        return [];
      }
      if (result === null || result === undefined) return [];
      if (!Array.isArray(result)) {
        this.tracker.reportAnomaly('invalid-snapshot');
        this.logger.warn(`Snapshot provider ${providerName(provider)} answered something that is not an array`);
        return [];
      }
      return result as NonNullable<ProviderResult>;
    } catch (error) {
      this.failed(provider, error);
      return [];
    }
  }

  private failed(provider: PeerHealthSnapshotProvider, error: unknown): void {
    this.tracker.reportAnomaly('provider-failure');
    this.logger.error(
      `Snapshot provider ${providerName(provider)} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }

  private withTimeout(answer: PromiseLike<unknown>): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => resolve(TIMED_OUT), this.options.providerTimeoutMs);
      timer.unref();
      answer.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }
}
