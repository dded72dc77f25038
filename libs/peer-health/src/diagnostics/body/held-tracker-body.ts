import type { BodyChunkPool } from './body-chunk-pool';

/**
 * A rendered tracker body and who still reads it: TrackerBodyCache while the body is the copy source of
 * the next rendering or its cached answer, and every response it was handed to until that response
 * closed. When the last holder lets go, its pool buffers go back to the pool, to be overwritten by a
 * later rendering; a body handed to a caller that never lets go (see
 * PeerHealthDiagnosticsService.render) is simply never given back.
 * @internal
 */
export class HeldTrackerBody {
  private holders = 1;

  /** `pooled`: the buffers behind `chunks` that came from `pool`; the first holder is the creator. */
  constructor(
    readonly chunks: readonly Buffer[],
    private readonly pooled: readonly Buffer[],
    private readonly pool: BodyChunkPool,
  ) {}

  hold(): void {
    if (this.holders <= 0) throw new Error('A tracker body was held after its buffers were given back');
    this.holders++;
  }

  release(): void {
    if (--this.holders === 0) this.pool.give(this.pooled);
  }

  /** Whether anything still holds the body (for tests and checks). */
  get held(): boolean {
    return this.holders > 0;
  }
}
