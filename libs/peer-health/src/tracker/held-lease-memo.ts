import type { PeerLeaseHandle } from '../base/interfaces/peer-lease-handle.interface';
import type { PeerState } from './peer-state';

/**
 * What a recorder remembers of the last handle it heart-beat with: the caller's object, the field
 * values it had, and the lease of the peer's list they matched. While the caller passes the same
 * object with the same values and the peer's lease list is unchanged, that lease is still held, and
 * the heartbeat skips the walk over the list (at fleet scale, two or three cache misses per event).
 * The recorder carries these fields itself: a separate memo object was one more cache miss per event.
 */
export interface HeldLeaseMemo {
  memoHandle: PeerLeaseHandle | undefined;
  memoSequenceId: number;
  memoAttempt: number;
  memoLeaseId: string;
  memoHeld: PeerLeaseHandle | undefined;
  memoState: PeerState | undefined;
  memoLeasesVersion: number;
}

/** The held lease `handle` stands for, when nothing that could change the answer changed. */
export function recallHeldLease(memo: HeldLeaseMemo, state: PeerState | undefined, handle: PeerLeaseHandle): PeerLeaseHandle | undefined {
  return handle === memo.memoHandle &&
    state === memo.memoState &&
    state !== undefined &&
    !state.evicted &&
    state.leasesVersion === memo.memoLeasesVersion &&
    handle.sequenceId === memo.memoSequenceId &&
    handle.attempt === memo.memoAttempt &&
    handle.leaseId === memo.memoLeaseId
    ? memo.memoHeld
    : undefined;
}

/** Remembers that `handle` matched `held`, a lease in `state`'s list equal to it field for field. */
export function rememberHeldLease(memo: HeldLeaseMemo, state: PeerState, handle: PeerLeaseHandle, held: PeerLeaseHandle): void {
  memo.memoHandle = handle;
  memo.memoSequenceId = held.sequenceId;
  memo.memoAttempt = held.attempt;
  // The canonical (lower-case) id: a caller whose id is upper-case simply never matches.
  memo.memoLeaseId = held.leaseId;
  memo.memoHeld = held;
  memo.memoState = state;
  memo.memoLeasesVersion = state.leasesVersion;
}

export function forgetHeldLease(memo: HeldLeaseMemo): void {
  memo.memoHandle = undefined;
  memo.memoHeld = undefined;
  memo.memoState = undefined;
}
