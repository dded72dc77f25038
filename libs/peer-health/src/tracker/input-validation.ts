import type { PeerLeaseHandle } from '../base/interfaces/peer-lease-handle.interface';
import { describeValue } from '../base/errors/describe-value';
import { PeerHealthInputError } from '../base/errors/peer-health-input.error';
import { isUuid } from '../base/uuid';

export function assertPeerId(peerId: unknown, maxLength: number): asserts peerId is string {
  if (typeof peerId !== 'string') {
    throw new PeerHealthInputError('peerId', `peerId must be a string, got ${describeValue(peerId)}`);
  }
  // First character not white space: not blank, without scanning or allocating (the common case).
  const first = peerId.charCodeAt(0);
  const blank = !(first > 32 && first !== 160) && peerId.trim().length === 0;
  if (peerId.length === 0 || peerId.length > maxLength || blank) {
    throw new PeerHealthInputError(
      'peerId',
      `peerId must be a non-blank string of at most ${maxLength} characters, got ${describeValue(peerId)}`,
    );
  }
}

/**
 * Validates a handle and returns a frozen copy with the lease id in canonical (lower-case) form.
 * Each field is read once: the copy is what was checked, whatever the caller's object does later.
 */
export function canonicalLease(handle: unknown): PeerLeaseHandle {
  if (typeof handle !== 'object' || handle === null) {
    throw new PeerHealthInputError('handle', `handle must be an object, got ${describeValue(handle)}`);
  }
  const { sequenceId, attempt, leaseId } = handle as Partial<Record<keyof PeerLeaseHandle, unknown>>;
  if (typeof sequenceId !== 'number' || !Number.isSafeInteger(sequenceId) || sequenceId < 0) {
    throw new PeerHealthInputError(
      'handle.sequenceId',
      `handle.sequenceId must be a non-negative integer in the safe-integer range, got ${describeValue(sequenceId)}`,
    );
  }
  if (typeof attempt !== 'number' || !Number.isSafeInteger(attempt) || attempt < 0) {
    throw new PeerHealthInputError(
      'handle.attempt',
      `handle.attempt must be a non-negative integer, got ${describeValue(attempt)}`,
    );
  }
  if (typeof leaseId !== 'string' || !isUuid(leaseId)) {
    throw new PeerHealthInputError('handle.leaseId', `handle.leaseId must be a UUID, got ${describeValue(leaseId)}`);
  }
  return Object.freeze({ sequenceId, attempt, leaseId: leaseId.toLowerCase() });
}

export function assertRequeued(requeued: unknown): asserts requeued is boolean {
  if (typeof requeued !== 'boolean') {
    throw new PeerHealthInputError('requeued', `requeued must be a boolean, got ${describeValue(requeued)}`);
  }
}

export function assertPendingCount(pendingCount: unknown): asserts pendingCount is number | undefined {
  if (pendingCount === undefined) return;
  if (typeof pendingCount !== 'number' || !Number.isSafeInteger(pendingCount) || pendingCount < 0) {
    throw new PeerHealthInputError(
      'pendingCount',
      `pendingCount must be a non-negative integer, got ${describeValue(pendingCount)}`,
    );
  }
}
