import { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { PEER_HEALTH_RESOLVED_OPTIONS, PEER_HEALTH_SNAPSHOT_PROVIDERS } from '../base/peer-health.constants';
import type { ResolvedPeerHealthOptions } from '../base/interfaces/peer-health-telemetry-options.interface';
import type { PeerHealthSnapshotProvider } from '../base/interfaces/peer-health-snapshot-provider.interface';
import { PeerLeaseHealthTracker } from '../tracker/peer-lease-health.tracker';
import { serializeLeaseHealth, serializePeer, writeSummaryTail } from './lease-health.serializer';
import type { PeerLeaseHealthDiagnostics } from './peer-lease-health-diagnostics';
import type { LeaseHealthQuery } from './lease-health-query';
import { SnapshotPeerView, TrackerPeerView } from './query/filterable-views';
import { pageOf } from './query/lease-health-page';
import { ProviderFanOut } from './fan-out/provider-fan-out';
import { PeerHealthEligibility } from './fan-out/peer-health-eligibility';
import { remoteSourceCountOf } from './fan-out/remote-source-count';
import { LeaseHealthEtag } from './etag/lease-health-etag';
import { matchesEtag } from './etag/etag-match';
import { MergedBodyCache, type ProviderPart } from './body/merged-body-cache';
import { TrackerBodyCache } from './body/tracker-body-cache';
import { TrackerBodyWriter } from './body/tracker-body.writer';

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

const RELEASE_NOTHING = (): void => undefined;

/**
 * The endpoint's answers: chooses, per request, among a 304, the tracker's cached body, the
 * tracker's filtered page, the kept fleet body and a merge of every provider's snapshots. The
 * providers are asked through ProviderFanOut, the bodies kept in body/, the ETags made in etag/.
 */
@Injectable()
export class PeerHealthDiagnosticsService {
  private readonly etags: LeaseHealthEtag;
  private readonly trackerBodies: TrackerBodyCache;
  private readonly merged = new MergedBodyCache();
  private readonly eligibility: PeerHealthEligibility;

  constructor(
    @Inject(PEER_HEALTH_SNAPSHOT_PROVIDERS) providers: readonly PeerHealthSnapshotProvider[],
    private readonly tracker: PeerLeaseHealthTracker,
    @Inject(PEER_HEALTH_RESOLVED_OPTIONS) options: ResolvedPeerHealthOptions,
    /** The module's fan-out (shared with PeerHealthEligibility); built here when the service is made by hand. */
    private readonly fanOut: ProviderFanOut = new ProviderFanOut(providers, tracker, options),
  ) {
    this.etags = new LeaseHealthEtag(tracker);
    this.trackerBodies = new TrackerBodyCache(tracker);
    this.eligibility = new PeerHealthEligibility(fanOut);
  }

  /** The merged view of every provider that answered in time. */
  async collect(): Promise<PeerLeaseHealthDiagnostics> {
    return (await this.fanOut.collect(this.fanOut.serving(false))).diagnostics;
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
    const providers = this.fanOut.serving(federated);
    const etag = this.etags.over(providers);
    if (etag !== undefined && ifNoneMatch !== undefined && matchesEtag(ifNoneMatch, etag)) {
      return { rendered: { body: undefined, etag, notModified: true, leftOut: [] }, release: RELEASE_NOTHING };
    }
    const trackerOnly = providers.length === 1 && providers[0] === this.tracker;
    if (query && trackerOnly) return { rendered: this.renderTrackerQuery(query, etag), release: RELEASE_NOTHING };
    if (!query && trackerOnly) return this.renderTracker();
    // Kept only when every provider without a version reads remote hosts (whose unchanged answers are the same objects).
    const keepable = providers.every((provider) => typeof provider.version === 'number' || typeof remoteSourceCountOf(provider) === 'number');
    if (!query && etag === undefined && keepable) return { rendered: await this.renderFleet(providers, ifNoneMatch), release: RELEASE_NOTHING };
    return { rendered: await this.renderMerged(providers, etag, query), release: RELEASE_NOTHING };
  }

  /** The current ETag when `ifNoneMatch` names it (the answer is then 304), else undefined. */
  notModifiedEtag(ifNoneMatch: string, federated = false): string | undefined {
    return this.etags.matching(this.fanOut.serving(federated), ifNoneMatch);
  }

  /** The ETag the endpoint would answer with now, if every provider is versioned. */
  currentEtag(): string | undefined {
    return this.etags.over(this.fanOut.serving(false));
  }

  /** Eligible when no provider says otherwise; a provider that throws is not counted against the peer (see PeerHealthEligibility). */
  isPeerEligible(peerId: string): boolean {
    return this.eligibility.isPeerEligible(peerId);
  }

  /** The tracker's whole body (cached per version), held until the caller releases it. */
  private async renderTracker(): Promise<HeldLeaseHealth> {
    const { body: held, exactVersion } = await this.trackerBodies.held();
    const chunks = held.chunks;
    const body = chunks.length === 1 ? chunks[0] : Readable.from(chunks);
    const bodyEtag = exactVersion === undefined ? undefined : this.etags.of(`.${exactVersion}`);
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      held.release();
    };
    return { rendered: { body, etag: bodyEtag, notModified: false, leftOut: [] }, release };
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
    const answers = await this.fanOut.answersOf(providers, known);
    const parts: ProviderPart[] = providers.map((provider, i) => ({ provider, version: versions[i], snapshots: answers[i]?.snapshots }));
    const complete = answers.every((answer) => answer !== undefined && answer.missing.length === 0);
    const kept = complete ? this.merged.lookup(parts) : undefined;
    if (kept !== undefined) {
      const notModified = ifNoneMatch !== undefined && matchesEtag(ifNoneMatch, kept.etag);
      return { body: notModified ? undefined : kept.body, etag: kept.etag, notModified, leftOut: [] };
    }
    const { diagnostics, leftOut } = this.fanOut.merge(providers, answers);
    const body = serializeLeaseHealth(diagnostics);
    const etag = leftOut.length === 0 ? this.merged.store(parts, body, (generation) => this.etags.of(`.m${generation}`)) : undefined;
    return { body, etag, notModified: false, leftOut };
  }

  /** The answer from every provider's snapshots (filtered and paged with `query`). */
  private async renderMerged(
    providers: readonly PeerHealthSnapshotProvider[],
    etag: string | undefined,
    query: LeaseHealthQuery | undefined,
  ): Promise<RenderedLeaseHealth> {
    const { diagnostics, leftOut } = await this.fanOut.collect(providers);
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
    const exact = etag !== undefined && leftOut.length === 0 && this.etags.over(providers) === etag;
    return { body, etag: exact ? etag : undefined, notModified: false, leftOut, nextAfter };
  }
}
