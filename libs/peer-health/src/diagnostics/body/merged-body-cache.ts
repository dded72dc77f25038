import type { PeerHealthSnapshotProvider } from '../../base/interfaces/peer-health-snapshot-provider.interface';
import type { PeerLeaseHealthSnapshot } from '../../base/interfaces/peer-lease-health-snapshot.interface';

/** One provider's part of a merged answer: its version when it has one, and what it answered. */
export interface ProviderPart {
  readonly provider: PeerHealthSnapshotProvider;
  readonly version: number | undefined;
  /** undefined: the provider was left out of the answer. */
  readonly snapshots: readonly PeerLeaseHealthSnapshot[] | undefined;
}

interface MergedBody {
  readonly parts: readonly ProviderPart[];
  readonly body: string;
  readonly etag: string;
}

/**
 * The merged (fleet view) body, kept while no source changed. A provider with a version is
 * unchanged while its version is; one without (a remote provider) is unchanged while it answers
 * the very same snapshot objects in the same order, which is what a remote provider does when
 * every host it reads answers 304 to its ETag (it reuses the snapshots parsed from the last 200).
 * Comparing references costs microseconds; rendering 10,000 peers costs hundreds of milliseconds.
 * Only complete answers are kept (a partial one has no validator).
 */
export class MergedBodyCache {
  private last: MergedBody | undefined;
  private generation = 0;

  /** The part a versioned provider answered last time at this version: it need not be asked again. */
  reusable(provider: PeerHealthSnapshotProvider, version: number | undefined): ProviderPart | undefined {
    if (version === undefined) return undefined;
    return this.last?.parts.find((part) => part.provider === provider && part.version === version);
  }

  /** The body kept for exactly these parts, with its ETag. */
  lookup(parts: readonly ProviderPart[]): { readonly body: string; readonly etag: string } | undefined {
    const last = this.last;
    if (last === undefined || last.parts.length !== parts.length) return undefined;
    for (let i = 0; i < parts.length; i++) if (!samePart(last.parts[i], parts[i])) return undefined;
    return last;
  }

  /** Keeps `body` for `parts`; resolves with its ETag (a new one per kept body), made by `etagOf`. */
  store(parts: readonly ProviderPart[], body: string, etagOf: (generation: number) => string): string {
    const etag = etagOf(++this.generation);
    this.last = { parts, body, etag };
    return etag;
  }
}

function samePart(a: ProviderPart | undefined, b: ProviderPart | undefined): boolean {
  if (a === undefined || b === undefined || a.provider !== b.provider) return false;
  if (a.version !== undefined || b.version !== undefined) return a.version === b.version;
  const [x, y] = [a.snapshots, b.snapshots];
  if (x === undefined || y === undefined) return false;
  if (x === y) return true;
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}
