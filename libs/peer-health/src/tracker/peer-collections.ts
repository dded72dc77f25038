import type { PeerLeaseHandle } from '../base/interfaces/peer-lease-handle.interface';
import { compareLeases, compareOrdinalIgnoreCase } from '../base/ordering';
import type { PeerState } from './peer-state';

// A peer holds few leases and a few dozen metadata entries at most: small arrays kept in wire order
// cost a fraction of a Map's memory, and a linear scan over them is as fast as hashing. A peer that
// holds many leases (a worker that leases without finishing, thousands at a time) also gets an index
// by lease id, and places in its sorted list are found by binary search: otherwise every lease event
// of that peer scans its whole list.

/** From this many leases on a peer's leases are indexed by id; below half of it the index is dropped. */
export const LEASE_INDEX_FROM = 32;

export function findLease(peer: PeerState | undefined, leaseId: string): PeerLeaseHandle | undefined {
  const leases = peer?.leases;
  if (!leases) return undefined;
  const index = peer.leaseIndex;
  if (index) return index.get(leaseId);
  for (const lease of leases) if (lease.leaseId === leaseId) return lease;
  return undefined;
}

/** The first place in the sorted list whose lease does not sort before `handle` (a new lease mostly goes last). */
function placeOf(leases: readonly PeerLeaseHandle[], handle: PeerLeaseHandle): number {
  const last = leases[leases.length - 1];
  if (last === undefined || compareLeases(last, handle) < 0) return leases.length;
  let low = 0;
  let high = leases.length - 1;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compareLeases(leases[middle] ?? handle, handle) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * Takes a listed lease out of the list: no two listed leases sort equal, so its place is where it sorts.
 * The oldest goes by shift(), which V8 does without moving the rest (a worker mostly finishes its oldest
 * lease first; splice(0, 1) copies every other one).
 */
function unlist(leases: PeerLeaseHandle[], listed: PeerLeaseHandle): void {
  const at = placeOf(leases, listed);
  if (at === 0) leases.shift();
  else leases.splice(at, 1);
}

/** Adds or replaces the lease with `handle.leaseId`, keeping the list sorted. */
export function putLease(peer: PeerState, handle: PeerLeaseHandle): void {
  const leases = (peer.leases ??= []);
  const existing = findLease(peer, handle.leaseId);
  if (existing !== undefined) unlist(leases, existing);
  leases.splice(placeOf(leases, handle), 0, handle);
  if (peer.leaseIndex) peer.leaseIndex.set(handle.leaseId, handle);
  else if (leases.length >= LEASE_INDEX_FROM) peer.leaseIndex = new Map(leases.map((lease) => [lease.leaseId, lease]));
  peer.leasesVersion++;
}

export function removeLease(peer: PeerState, leaseId: string): boolean {
  const leases = peer.leases;
  const listed = findLease(peer, leaseId);
  if (!leases || listed === undefined) return false;
  unlist(leases, listed);
  if (peer.leaseIndex) {
    peer.leaseIndex.delete(leaseId);
    if (leases.length < LEASE_INDEX_FROM / 2) peer.leaseIndex = undefined;
  }
  peer.leasesVersion++;
  return true;
}

/** Index of the key (in the flat key/value list) equal to `lowerKey` case-insensitively, or -1. */
export function findMetadata(peer: PeerState, lowerKey: string): number {
  const entries = peer.metadata;
  if (!entries) return -1;
  for (let i = 0; i < entries.length; i += 2) {
    const key = entries[i];
    // Keys are mostly lower-case already: toLowerCase then returns the same string, allocation-free.
    if (key === lowerKey || key?.toLowerCase() === lowerKey) return i;
  }
  return -1;
}

/** Inserts a new key/value pair at its place in wire order (keys sorted case-insensitively). */
export function insertMetadata(peer: PeerState, key: string, value: string): void {
  const entries = (peer.metadata ??= []);
  let at = entries.length;
  while (at > 0 && compareOrdinalIgnoreCase(entries[at - 2] ?? '', key) > 0) at -= 2;
  entries.splice(at, 0, key, value);
  // The heartbeat path's remembered place of pending.count may have moved: it looks it up again.
  if (at <= peer.pendingCountAt) peer.pendingCountAt = -1;
}

/** Calls `visit` for each pair, in wire order. */
export function forEachMetadata(peer: PeerState, visit: (key: string, value: string) => void): void {
  const entries = peer.metadata;
  if (!entries) return;
  for (let i = 0; i + 1 < entries.length; i += 2) visit(entries[i] ?? '', entries[i + 1] ?? '');
}
