import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { PEER_HEALTH_RESOLVED_OPTIONS, PEER_HEALTH_SNAPSHOT_PROVIDERS } from '../base/peer-health.constants';
import type { ResolvedPeerHealthOptions } from '../base/interfaces/peer-health-telemetry-options.interface';
import type { PeerHealthSnapshotProvider } from '../base/interfaces/peer-health-snapshot-provider.interface';
import type { PeerHealthProviderAnswer } from '../base/interfaces/peer-health-provider-answer.interface';
import type { PeerLeaseHealthSnapshot } from '../base/interfaces/peer-lease-health-snapshot.interface';
import { systemClock } from '../base/clock';
import { PeerLeaseHealthTracker } from '../tracker/peer-lease-health.tracker';
import { serializeLeaseHealth, serializePeer, writeSummaryTail } from './lease-health.serializer';
import { PeerLeaseHealthDiagnostics } from './peer-lease-health-diagnostics';
import { failureDetail, ProviderFailureLog } from './provider-failure-log';
import { ProviderSnapshotCalls } from './provider-snapshot-calls';
import type { LeaseHealthQuery } from './lease-health-query';
import { SnapshotPeerView, TrackerPeerView } from './query/filterable-views';
import { pageOf } from './query/lease-health-page';
import { BodyChunkPool } from './body-chunk-pool';
import { matchesEtag } from './etag-match';
import { MergedBodyCache, remoteSourceCountOf, type ProviderPart } from './merged-body-cache';
import { HeldTrackerBody } from './held-tracker-body';
import { renderTrackerBody, type RenderedTrackerBody } from './tracker-body.renderer';
import { TrackerBodyWriter } from './tracker-body.writer';

/** The answer to one request of the endpoint. */
export interface RenderedLeaseHealth {
  /** Absent for 304 Not Modified; a stream of chunks for large bodies. */
  readonly body: Buffer | string | Readable | undefined;
  /**
   * Strong ETag of the body, when every provider is versioned and the body shows exactly that
   * version (so never for a partial answer).
   */
  readonly etag: string | undefined;
  readonly notModified: boolean;
  /** Names of the providers this answer was served without (they failed or timed out); empty when complete. */
  readonly leftOut: readonly string[];
  /** With `limit`: the peer id the next page starts after (the controller announces it in a Link header). */
  readonly nextAfter?: string;
}

/**
 * An answer whose bytes stay untouched until `release()`: the tracker's large bodies are written into
 * buffers that are reused for later bodies once every reader has released them.
 */
export interface HeldLeaseHealth {
  readonly rendered: RenderedLeaseHealth;
  /** Says the body's bytes are no longer read (a response: when it closed). Later calls do nothing. */
  readonly release: () => void;
}

/** A tracker body and the version it shows exactly (undefined: rendered while the tracker changed). */
interface AdoptedTrackerBody {
  readonly body: HeldTrackerBody;
  readonly exactVersion: number | undefined;
}

const RELEASE_NOTHING = (): void => undefined;

/** The name a provider is logged and reported under: its class name, as a header-safe token. */
function providerName(provider: PeerHealthSnapshotProvider): string {
  const name = (provider.constructor as { name?: unknown } | undefined)?.name;
  const token = typeof name === 'string' ? name.replace(/[^A-Za-z0-9_$.-]/g, '').slice(0, 100) : '';
  return token || 'AnonymousProvider';
}

/** A provider's usable snapshots and the sources it could not read (entries of the partial header). */
interface ProviderSnapshots {
  readonly snapshots: readonly PeerLeaseHealthSnapshot[];
  readonly missing: readonly string[];
}

/** A remote source in the partial header: `Provider(source)`, e.g. `RemoteLeaseHealthProvider(http://10.0.0.7:8080)`. */
function missingSourceName(provider: PeerHealthSnapshotProvider, source: string): string {
  return `${providerName(provider)}(${source.replace(/[^\x21-\x7e]|[,()]/g, '').slice(0, 200)})`;
}

function isProviderAnswer(value: unknown): value is PeerHealthProviderAnswer {
  if (typeof value !== 'object' || value === null) return false;
  const answer = value as Partial<Record<keyof PeerHealthProviderAnswer, unknown>>;
  return Array.isArray(answer.snapshots) && Array.isArray(answer.missingSources);
}

function sourceOf(entry: unknown): { source: string; reason: string } {
  const missing = (typeof entry === 'object' && entry !== null ? entry : {}) as Partial<Record<'source' | 'reason', unknown>>;
  return {
    source: typeof missing.source === 'string' ? missing.source : 'unnamed-source',
    reason: typeof missing.reason === 'string' ? missing.reason : 'no reason given',
  };
}

/** The merged view and the providers it was built without. */
interface CollectedSnapshots {
  readonly diagnostics: PeerLeaseHealthDiagnostics;
  readonly leftOut: readonly string[];
}

/**
 * Asks every registered provider for its snapshot (all at once) and merges the answers. A provider
 * that throws, rejects, answers garbage or does not answer within the timeout is left out of that
 * answer, counted, and logged at most once a minute; the others are still served.
 */
@Injectable()
export class PeerHealthDiagnosticsService {
  private readonly logger = new Logger('PeerHealthDiagnostics');
  /** Distinguishes this process's ETags from those of an earlier process with the same versions. */
  private readonly instance = randomBytes(4).toString('hex');
  private cached: { readonly version: number; readonly body: HeldTrackerBody } | undefined;
  private inflight: Promise<AdoptedTrackerBody> | undefined;
  /** The latest full rendering: the next one copies unchanged entries out of it, so it is held. */
  private copySource: HeldTrackerBody | undefined;
  private readonly chunkPool = new BodyChunkPool();
  private readonly merged = new MergedBodyCache();
  private readonly calls: ProviderSnapshotCalls;
  private readonly failures: ProviderFailureLog;

  constructor(
    @Inject(PEER_HEALTH_SNAPSHOT_PROVIDERS) private readonly providers: readonly PeerHealthSnapshotProvider[],
    private readonly tracker: PeerLeaseHealthTracker,
    @Inject(PEER_HEALTH_RESOLVED_OPTIONS) private readonly options: ResolvedPeerHealthOptions,
  ) {
    this.calls = new ProviderSnapshotCalls(options.providerTimeoutMs);
    this.failures = new ProviderFailureLog(options.logger ?? this.logger, options.clock ?? systemClock);
  }

  /** The merged view of every provider that answered in time. */
  async collect(): Promise<PeerLeaseHealthDiagnostics> {
    return (await this.collectSnapshots(this.servingProviders(false))).diagnostics;
  }

  /**
   * The providers that take part in an answer: remote providers with nothing to read sit out (so a
   * host without remote sources keeps the tracker's fast path), and a federated read is answered
   * without any remote provider (federation goes one hop, never round in circles).
   */
  private servingProviders(federated: boolean): readonly PeerHealthSnapshotProvider[] {
    let serving: PeerHealthSnapshotProvider[] | undefined;
    this.providers.forEach((provider, i) => {
      const remote = remoteSourceCountOf(provider);
      const sitsOut = typeof remote === 'number' && (federated || remote <= 0);
      if (sitsOut) serving ??= this.providers.slice(0, i);
      else serving?.push(provider);
    });
    return serving ?? this.providers;
  }

  private async collectSnapshots(providers: readonly PeerHealthSnapshotProvider[]): Promise<CollectedSnapshots> {
    return this.mergeAnswers(providers, await this.answersOf(providers));
  }

  /** Every provider's answer, asked all at once; `known[i]`, when given, stands for provider i's. */
  private answersOf(
    providers: readonly PeerHealthSnapshotProvider[],
    known: ReadonlyArray<ProviderSnapshots | undefined> = [],
  ): Promise<Array<ProviderSnapshots | undefined>> {
    return Promise.all(providers.map(async (provider, i) => known[i] ?? (await this.snapshotOf(provider))));
  }

  private mergeAnswers(providers: readonly PeerHealthSnapshotProvider[], answers: ReadonlyArray<ProviderSnapshots | undefined>): CollectedSnapshots {
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

  /**
   * The endpoint's answer. With the tracker as the only provider and no filter, the body comes
   * from the tracker renderer: cached per tracker version, and one render serves every request
   * that arrives while it runs. `ifNoneMatch` matching the current ETag gives 304 without rendering.
   */
  async render(query?: LeaseHealthQuery, ifNoneMatch?: string, federated = false): Promise<RenderedLeaseHealth> {
    // Never released: a caller that does not say when it is done keeps its bytes for good (they are
    // then never reused, only collected).
    return (await this.renderHeld(query, ifNoneMatch, federated)).rendered;
  }

  /**
   * render(), for a caller that says when it no longer reads the body: `release()` lets the tracker
   * body's buffers be reused for a later body. The controller releases on the response's close.
   */
  async renderHeld(query?: LeaseHealthQuery, ifNoneMatch?: string, federated = false): Promise<HeldLeaseHealth> {
    const providers = this.servingProviders(federated);
    const etag = this.etagOver(providers);
    if (etag !== undefined && ifNoneMatch !== undefined && matchesEtag(ifNoneMatch, etag)) {
      return { rendered: { body: undefined, etag, notModified: true, leftOut: [] }, release: RELEASE_NOTHING };
    }
    const trackerOnly = providers.length === 1 && providers[0] === this.tracker;
    if (query && trackerOnly) return { rendered: this.renderTrackerQuery(query, etag), release: RELEASE_NOTHING };
    if (!query && trackerOnly) {
      const { body: held, exactVersion } = await this.renderTracker();
      const chunks = held.chunks;
      const body = chunks.length === 1 ? chunks[0] : Readable.from(chunks);
      const bodyEtag = exactVersion === undefined ? undefined : this.etagOf(`.${exactVersion}`);
      let released = false;
      const release = (): void => {
        if (released) return;
        released = true;
        held.release();
      };
      return { rendered: { body, etag: bodyEtag, notModified: false, leftOut: [] }, release };
    }
    // Kept only when every provider without a version reads remote hosts (whose unchanged answers are the same objects).
    const keepable = providers.every((provider) => typeof provider.version === 'number' || typeof remoteSourceCountOf(provider) === 'number');
    if (!query && etag === undefined && keepable) return { rendered: await this.renderFleet(providers, ifNoneMatch), release: RELEASE_NOTHING };
    return { rendered: await this.renderMerged(providers, etag, query), release: RELEASE_NOTHING };
  }

  /**
   * The whole merged body when some provider has no version (remote hosts): kept while no source
   * changed (see MergedBodyCache), with an ETag of its own, so a reader naming it gets 304.
   */
  private async renderFleet(providers: readonly PeerHealthSnapshotProvider[], ifNoneMatch: string | undefined): Promise<RenderedLeaseHealth> {
    const versions = providers.map((provider): number | undefined => (typeof provider.version === 'number' ? provider.version : undefined));
    const known = providers.map((provider, i) => {
      const snapshots = this.merged.reusable(provider, versions[i])?.snapshots;
      return snapshots === undefined ? undefined : { snapshots, missing: [] };
    });
    const answers = await this.answersOf(providers, known);
    const parts: ProviderPart[] = providers.map((provider, i) => ({ provider, version: versions[i], snapshots: answers[i]?.snapshots }));
    const complete = answers.every((answer) => answer !== undefined && answer.missing.length === 0);
    const kept = complete ? this.merged.lookup(parts) : undefined;
    if (kept !== undefined) {
      const notModified = ifNoneMatch !== undefined && matchesEtag(ifNoneMatch, kept.etag);
      return { body: notModified ? undefined : kept.body, etag: kept.etag, notModified, leftOut: [] };
    }
    const { diagnostics, leftOut } = this.mergeAnswers(providers, answers);
    const body = serializeLeaseHealth(diagnostics);
    const etag = leftOut.length === 0 ? this.merged.store(parts, body, (generation) => this.etagOf(`.m${generation}`)) : undefined;
    return { body, etag, notModified: false, leftOut };
  }

  /** The answer from every provider's snapshots (filtered and paged with `query`). */
  private async renderMerged(
    providers: readonly PeerHealthSnapshotProvider[],
    etag: string | undefined,
    query: LeaseHealthQuery | undefined,
  ): Promise<RenderedLeaseHealth> {
    const { diagnostics, leftOut } = await this.collectSnapshots(providers);
    let body: string;
    let nextAfter: string | undefined;
    if (query) {
      const view = new SnapshotPeerView();
      const page = pageOf(diagnostics.peers, query, (peer) => view.of(peer), (peer) => peer.pendingReassignments);
      body = `{"peers":[${page.peers.map(serializePeer).join(',')}${writeSummaryTail(page.summary)}`;
      nextAfter = page.nextAfter;
    } else {
      body = serializeLeaseHealth(diagnostics);
    }
    // A partial body is not the representation the versions stand for: it gets no validator.
    const exact = etag !== undefined && leftOut.length === 0 && this.etagOver(providers) === etag;
    return { body, etag: exact ? etag : undefined, notModified: false, leftOut, nextAfter };
  }

  /**
   * A filtered or paged answer when the tracker is the only provider: one pass over its sorted live
   * states (no snapshot objects), the page written from the cached wire fragments. Synchronous, so
   * the body shows exactly the current version.
   */
  private renderTrackerQuery(query: LeaseHealthQuery, etag: string | undefined): RenderedLeaseHealth {
    const view = new TrackerPeerView();
    const page = pageOf(this.tracker.orderedPeers(), query, (peer) => view.of(peer), (peer) => peer.pendingReassignments);
    const writer = new TrackerBodyWriter('{"peers":[', 256 + page.peers.length * 512);
    for (const peer of page.peers) writer.writePeer(peer);
    const chunks = writer.finish(writeSummaryTail(page.summary));
    return { body: Buffer.concat(chunks), etag, notModified: false, leftOut: [], nextAfter: page.nextAfter };
  }

  /** The current ETag when `ifNoneMatch` names it (the answer is then 304), else undefined. */
  notModifiedEtag(ifNoneMatch: string, federated = false): string | undefined {
    const etag = this.etagOver(this.servingProviders(federated));
    return etag !== undefined && matchesEtag(ifNoneMatch, etag) ? etag : undefined;
  }

  /** The ETag the endpoint would answer with now, if every provider is versioned. */
  currentEtag(): string | undefined {
    return this.etagOver(this.servingProviders(false));
  }

  private etagOver(providers: readonly PeerHealthSnapshotProvider[]): string | undefined {
    this.tracker.evaluateHealth();
    let versions = '';
    for (const provider of providers) {
      const version: unknown = provider.version;
      if (typeof version !== 'number') return undefined;
      versions += `.${version}`;
    }
    return this.etagOf(versions);
  }

  private etagOf(versions: string): string {
    return `"${this.instance}${versions}"`;
  }

  /** The tracker's body for the current version, held once for the caller (who releases it). */
  private renderTracker(): Promise<AdoptedTrackerBody> {
    const version = this.tracker.version;
    const cached = this.cached;
    if (cached?.version === version) {
      cached.body.hold();
      return Promise.resolve({ body: cached.body, exactVersion: version });
    }
    this.inflight ??= renderTrackerBody(this.tracker, this.chunkPool).then(
      (rendered) => {
        this.inflight = undefined;
        return this.adopt(rendered);
      },
      (error: unknown) => {
        this.inflight = undefined;
        throw error;
      },
    );
    // Held in a reaction of the rendering itself: every caller that joined it holds the body before
    // any later rendering can finish and let the body go.
    return this.inflight.then((adopted) => {
      adopted.body.hold();
      return adopted;
    });
  }

  /**
   * Makes a finished rendering the copy source (and the cached answer when exact). The previous
   * rendering is then read by no peer (every live peer's entry now lies in the new one), so the
   * service lets it go; its buffers return to the pool once the responses reading it have closed.
   */
  private adopt(rendered: RenderedTrackerBody): AdoptedTrackerBody {
    const body = new HeldTrackerBody(rendered.chunks, rendered.pooled, this.chunkPool);
    this.chunkPool.fitTo(rendered.pooled.length);
    const previous = this.copySource;
    this.copySource = body;
    if (rendered.exactVersion !== undefined) {
      body.hold();
      const replaced = this.cached;
      this.cached = { version: rendered.exactVersion, body };
      replaced?.body.release();
    }
    previous?.release();
    return { body, exactVersion: rendered.exactVersion };
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
        this.failed(provider, outcome.error);
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

  private failed(provider: PeerHealthSnapshotProvider, error: unknown): void {
    this.tracker.reportAnomaly('provider-failure');
    this.failures.report(provider, `Snapshot provider ${providerName(provider)} failed: ${failureDetail(error)}`);
  }
}
