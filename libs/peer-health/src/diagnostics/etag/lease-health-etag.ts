import { randomBytes } from 'node:crypto';
import type { PeerHealthSnapshotProvider } from '../../base/interfaces/peer-health-snapshot-provider.interface';
import type { PeerLeaseHealthTracker } from '../../tracker/peer-lease-health.tracker';
import { matchesEtag } from './etag-match';

/**
 * The endpoint's strong ETags: this process's instance tag followed by the versions the body shows.
 * One place computes them, for a rendering and for the conditional-GET fast path alike.
 */
export class LeaseHealthEtag {
  /** Distinguishes this process's ETags from those of an earlier process with the same versions. */
  private readonly instance = randomBytes(4).toString('hex');

  constructor(private readonly tracker: PeerLeaseHealthTracker) {}

  /**
   * The ETag of the answer of `providers` now, if every one of them is versioned. Deadlines due are
   * applied first, so the tracker's version is the one a rendering would show.
   */
  over(providers: readonly PeerHealthSnapshotProvider[]): string | undefined {
    this.tracker.evaluateHealth();
    let versions = '';
    for (const provider of providers) {
      const version: unknown = provider.version;
      if (typeof version !== 'number') return undefined;
      versions += `.${version}`;
    }
    return this.of(versions);
  }

  /** The current ETag of `providers` when `ifNoneMatch` names it (the answer is then 304), else undefined. */
  matching(providers: readonly PeerHealthSnapshotProvider[], ifNoneMatch: string): string | undefined {
    const etag = this.over(providers);
    return etag !== undefined && matchesEtag(ifNoneMatch, etag) ? etag : undefined;
  }

  /** The ETag of a body named by `versions` (e.g. `.12` for tracker version 12, `.m3` for a kept merged body). */
  of(versions: string): string {
    return `"${this.instance}${versions}"`;
  }
}
