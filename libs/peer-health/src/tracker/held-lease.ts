import type { PeerLeaseHandle } from '../base/interfaces/peer-lease-handle.interface';
import { findLease } from './peer-collections';
import type { PeerState } from './peer-state';

/**
 * The lease the peer holds that equals `handle` field for field, or undefined. Such a handle needs
 * no validation: it equals a lease that was validated when it was added. The peer's held lease
 * (see PeerState.heldLease) answers without walking the list; only values are compared, so a
 * caller reusing or mutating its object is always safe.
 */
export function heldLease(peer: PeerState | undefined, handle: PeerLeaseHandle): PeerLeaseHandle | undefined {
  if (typeof handle !== 'object' || peer === undefined) return undefined;
  const { leaseId, sequenceId, attempt } = handle;
  if (peer.heldLeasesVersion === peer.leasesVersion && leaseId === peer.heldLeaseId && sequenceId === peer.heldSequenceId && attempt === peer.heldAttempt) {
    return peer.heldLease;
  }
  const held = findLease(peer, leaseId);
  return held !== undefined && held.sequenceId === sequenceId && held.attempt === attempt ? held : undefined;
}

/** Remembers `held`, a lease of the peer's list, as the one the next heartbeat most likely names. */
export function rememberHeldLease(peer: PeerState, held: PeerLeaseHandle): void {
  if (peer.heldLease === held && peer.heldLeasesVersion === peer.leasesVersion) return;
  peer.heldLease = held;
  peer.heldLeaseId = held.leaseId;
  peer.heldSequenceId = held.sequenceId;
  peer.heldAttempt = held.attempt;
  peer.heldLeasesVersion = peer.leasesVersion;
}
