import type { PeerHealthProviderAnswer } from '../../base/interfaces/peer-health-provider-answer.interface';
import type { PeerHealthSnapshotProvider } from '../../base/interfaces/peer-health-snapshot-provider.interface';

/** The name a provider is logged and reported under: its class name, as a header-safe token. */
export function providerName(provider: PeerHealthSnapshotProvider): string {
  const name = (provider.constructor as { name?: unknown } | undefined)?.name;
  const token = typeof name === 'string' ? name.replace(/[^A-Za-z0-9_$.-]/g, '').slice(0, 100) : '';
  return token || 'AnonymousProvider';
}

/** A remote source in the partial header: `Provider(source)`, e.g. `RemoteLeaseHealthProvider(http://10.0.0.7:8080)`. */
export function missingSourceName(provider: PeerHealthSnapshotProvider, source: string): string {
  return `${providerName(provider)}(${source.replace(/[^\x21-\x7e]|[,()]/g, '').slice(0, 200)})`;
}

/** Whether a provider answered with the multi-source shape (`{ snapshots, missingSources }`). */
export function isProviderAnswer(value: unknown): value is PeerHealthProviderAnswer {
  if (typeof value !== 'object' || value === null) return false;
  const answer = value as Partial<Record<keyof PeerHealthProviderAnswer, unknown>>;
  return Array.isArray(answer.snapshots) && Array.isArray(answer.missingSources);
}

/** One entry of `missingSources`, with stand-ins for a source or reason that is not a string. */
export function sourceOf(entry: unknown): { source: string; reason: string } {
  const missing = (typeof entry === 'object' && entry !== null ? entry : {}) as Partial<Record<'source' | 'reason', unknown>>;
  return {
    source: typeof missing.source === 'string' ? missing.source : 'unnamed-source',
    reason: typeof missing.reason === 'string' ? missing.reason : 'no reason given',
  };
}
