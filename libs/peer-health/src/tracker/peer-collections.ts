import type { PeerLeaseHandle } from '../base/interfaces/peer-lease-handle.interface';
import { compareLeases, compareOrdinalIgnoreCase } from '../base/ordering';
import type { PeerState } from './peer-state';

// A peer holds few leases and a few dozen metadata entries at most: small arrays kept in wire order
// cost a fraction of a Map's memory, and a linear scan over them is as fast as hashing.

export function findLease(peer: PeerState | undefined, leaseId: string): PeerLeaseHandle | undefined {
  const leases = peer?.leases;
  if (!leases) return undefined;
  for (const lease of leases) if (lease.leaseId === leaseId) return lease;
  return undefined;
}

/** Adds or replaces the lease with `handle.leaseId`, keeping the list sorted. */
export function putLease(peer: PeerState, handle: PeerLeaseHandle): void {
  const leases = (peer.leases ??= []);
  const existing = leases.findIndex((lease) => lease.leaseId === handle.leaseId);
  if (existing >= 0) leases.splice(existing, 1);
  let at = leases.length;
  while (at > 0 && compareLeases(leases[at - 1] ?? handle, handle) > 0) at--;
  leases.splice(at, 0, handle);
  peer.leasesVersion++;
}

export function removeLease(peer: PeerState, leaseId: string): boolean {
  const leases = peer.leases;
  const index = leases ? leases.findIndex((lease) => lease.leaseId === leaseId) : -1;
  if (!leases || index < 0) return false;
  leases.splice(index, 1);
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
