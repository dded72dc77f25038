import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { PEER_HEALTH_RESOLVED_OPTIONS, PEER_HEALTH_SNAPSHOT_PROVIDERS } from '../base/peer-health.constants';
import type { ResolvedPeerHealthOptions } from '../base/interfaces/peer-health-telemetry-options.interface';
import type { PeerHealthSnapshotProvider } from '../base/interfaces/peer-health-snapshot-provider.interface';
import type { PeerLeaseHealthSnapshot } from '../base/interfaces/peer-lease-health-snapshot.interface';
import { PeerLeaseHealthTracker } from '../tracker/peer-lease-health.tracker';
import { serializeLeaseHealth } from './lease-health.serializer';
import { PeerLeaseHealthDiagnostics } from './peer-lease-health-diagnostics';
import { renderTrackerBody, type RenderedTrackerBody } from './tracker-body.renderer';

/** The answer to one request of the endpoint. */
export interface RenderedLeaseHealth {
  /** Absent for 304 Not Modified; a stream of chunks for large bodies. */
  readonly body: Buffer | string | Readable | undefined;
  /** Strong ETag of the body, when every provider is versioned and the body shows exactly that version. */
  readonly etag: string | undefined;
  readonly notModified: boolean;
}

/** Whether an If-None-Match header value names `etag` (a list, weak tags and `*` included). */
function matchesEtag(ifNoneMatch: string, etag: string): boolean {
  return ifNoneMatch.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === '*' || trimmed === etag || trimmed === `W/${etag}`;
  });
}

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
  /** Distinguishes this process's ETags from those of an earlier process with the same versions. */
  private readonly instance = randomBytes(4).toString('hex');
  private cached: { readonly version: number; readonly chunks: readonly Buffer[] } | undefined;
  private inflight: Promise<RenderedTrackerBody> | undefined;

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

  /**
   * The endpoint's answer. With the tracker as the only provider and no filter, the body comes
   * from the tracker renderer: cached per tracker version, and one render serves every request
   * that arrives while it runs. `ifNoneMatch` matching the current ETag gives 304 without rendering.
   */
  async render(
    filter?: (peer: PeerLeaseHealthSnapshot) => boolean,
    ifNoneMatch?: string,
  ): Promise<RenderedLeaseHealth> {
    const etag = this.currentEtag();
    if (etag !== undefined && ifNoneMatch !== undefined && matchesEtag(ifNoneMatch, etag)) {
      return { body: undefined, etag, notModified: true };
    }
    if (!filter && this.providers.length === 1 && this.providers[0] === this.tracker) {
      const { chunks, exactVersion } = await this.renderTracker();
      const body = chunks.length === 1 ? chunks[0] : Readable.from(chunks);
      return { body, etag: exactVersion === undefined ? undefined : this.etagOf(`.${exactVersion}`), notModified: false };
    }
    const diagnostics = await this.collect();
    const body = serializeLeaseHealth(filter ? diagnostics.filter(filter) : diagnostics);
    return { body, etag: etag !== undefined && this.currentEtag() === etag ? etag : undefined, notModified: false };
  }

  /** The current ETag when `ifNoneMatch` names it (the answer is then 304), else undefined. */
  notModifiedEtag(ifNoneMatch: string): string | undefined {
    const etag = this.currentEtag();
    return etag !== undefined && matchesEtag(ifNoneMatch, etag) ? etag : undefined;
  }

  /** The ETag the endpoint would answer with now, if every provider is versioned. */
  currentEtag(): string | undefined {
    this.tracker.evaluateHealth();
    let versions = '';
    for (const provider of this.providers) {
      const version: unknown = provider.version;
      if (typeof version !== 'number') return undefined;
      versions += `.${version}`;
    }
    return this.etagOf(versions);
  }

  private etagOf(versions: string): string {
    return `"${this.instance}${versions}"`;
  }

  private renderTracker(): Promise<RenderedTrackerBody> {
    const version = this.tracker.version;
    const cached = this.cached;
    if (cached?.version === version) return Promise.resolve({ chunks: cached.chunks, exactVersion: version });
    this.inflight ??= renderTrackerBody(this.tracker).then(
      (rendered) => {
        this.inflight = undefined;
        if (rendered.exactVersion !== undefined) this.cached = { version: rendered.exactVersion, chunks: rendered.chunks };
        return rendered;
      },
      (error: unknown) => {
        this.inflight = undefined;
        throw error;
      },
    );
    return this.inflight;
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
