import type { PeerLeaseHealthTracker } from '../../tracker/peer-lease-health.tracker';
import { BodyChunkPool } from './body-chunk-pool';
import { HeldTrackerBody } from './held-tracker-body';
import { renderTrackerBody, type RenderedTrackerBody } from './tracker-body.renderer';

/** A tracker body and the version it shows exactly (undefined: rendered while the tracker changed). */
export interface AdoptedTrackerBody {
  readonly body: HeldTrackerBody;
  readonly exactVersion: number | undefined;
}

/**
 * The tracker's endpoint body, cached per tracker version: one rendering serves every request that
 * arrives while it runs, and its buffers come from a pool they return to once no reader holds them.
 */
export class TrackerBodyCache {
  private cached: { readonly version: number; readonly body: HeldTrackerBody } | undefined;
  private inflight: Promise<AdoptedTrackerBody> | undefined;
  /** The latest full rendering: the next one copies unchanged entries out of it, so it is held. */
  private copySource: HeldTrackerBody | undefined;
  private readonly chunkPool = new BodyChunkPool();

  constructor(private readonly tracker: PeerLeaseHealthTracker) {}

  /** The tracker's body for the current version, held once for the caller (who releases it). */
  held(): Promise<AdoptedTrackerBody> {
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
   * cache lets it go; its buffers return to the pool once the responses reading it have closed.
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
}
