import type { PeerLeaseHandle } from './interfaces/peer-lease-handle.interface';

/** Ordinal (UTF-16 code unit) order, as the seed system sorted peer ids. */
export function compareOrdinal(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Ordinal order of the upper-cased strings (the seed's OrdinalIgnoreCase), ties broken ordinally. */
export function compareOrdinalIgnoreCase(a: string, b: string): number {
  return compareOrdinal(a.toUpperCase(), b.toUpperCase()) || compareOrdinal(a, b);
}

/** Sorts key/value entries by key, case-insensitively, upper-casing each key once. */
export function sortByKeyIgnoreCase<T extends { readonly key: string }>(entries: readonly T[]): T[] {
  return entries
    .map((entry) => ({ entry, upper: entry.key.toUpperCase() }))
    .sort((a, b) => compareOrdinal(a.upper, b.upper) || compareOrdinal(a.entry.key, b.entry.key))
    .map(({ entry }) => entry);
}

/** Leases by sequenceId, then attempt, then leaseId. */
export function compareLeases(a: PeerLeaseHandle, b: PeerLeaseHandle): number {
  return a.sequenceId - b.sequenceId || a.attempt - b.attempt || compareOrdinal(a.leaseId, b.leaseId);
}
