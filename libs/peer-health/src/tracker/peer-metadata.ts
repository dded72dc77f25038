import type { PeerHealthAnomalyKind } from '../base/peer-health-anomaly';
import { findMetadata, insertMetadata } from './peer-collections';
import type { PeerState } from './peer-state';

export interface ResolvedMetadataLimits {
  readonly maxEntriesPerPeer: number;
  readonly maxKeyLength: number;
  readonly maxValueLength: number;
}

/** Well-known keys the tracker writes itself, with their lower-cased lookup keys precomputed. */
export const WELL_KNOWN_KEYS = {
  resourceType: 'resource.type',
  resourceId: 'resource.id',
  pendingCount: 'pending.count',
  disconnectReason: 'disconnect.reason',
} as const;

/**
 * Stores one entry. Keys compare case-insensitively (the first spelling is kept, the newest value
 * wins). Returns the anomaly when the entry was dropped, `undefined` when stored or skipped.
 * Blank keys and null/undefined values are skipped silently, as the seed system did.
 */
export function putMetadata(
  peer: PeerState,
  key: unknown,
  value: unknown,
  limits: ResolvedMetadataLimits,
  lowerKey?: string,
): PeerHealthAnomalyKind | undefined {
  if (typeof key !== 'string') return 'metadata-invalid';
  if (value === undefined || value === null || key.trim().length === 0) return undefined;
  if (typeof value !== 'string') return 'metadata-invalid';
  if (key.length > limits.maxKeyLength || value.length > limits.maxValueLength) return 'metadata-limit';
  const normalized = lowerKey ?? key.toLowerCase();
  const index = findMetadata(peer, normalized);
  const entries = peer.metadata;
  if (index >= 0 && entries) {
    if (entries[index + 1] === value) return undefined;
    entries[index + 1] = value;
  } else {
    if ((entries?.length ?? 0) / 2 >= limits.maxEntriesPerPeer) return 'metadata-limit';
    insertMetadata(peer, key, value);
  }
  // Another writer of pending.count invalidates the heartbeat path's "unchanged" shortcut.
  if (normalized === WELL_KNOWN_KEYS.pendingCount) peer.lastPendingCount = -1;
  peer.changed();
  return undefined;
}
