// The layout of a producer channel's shared memory, written by a producer (a worker thread) and read
// by the tracker's thread. One single-producer single-consumer ring of 32-bit words per channel, with
// a small control block beside it. Positions are word counters that wrap at 2^32 (stored as Int32):
// the words in use are `(write - read) | 0`, the word at a position is `ring[position & mask]`.

/** Words of the control block (an Int32Array over its own SharedArrayBuffer). */
export const CONTROL = {
  /** Published write position: every record before it is complete. Stored by the producer only. */
  write: 0,
  /** Read position: every record before it was applied. Stored by the consumer only. */
  read: 1,
  /** 1 while the consumer sleeps on `write` (the producer then notifies after publishing). */
  consumerSleeping: 2,
  /** Times the producer found the ring full and waited. Added to by the producer only. */
  waits: 3,
  /** 1 once the producer closed cleanly, after its last publish. */
  producerClosed: 4,
  /** 1 once the tracker's side closed the channel: the producer's next call throws. */
  consumerClosed: 5,
  /** What the producer waits for on `read` (WAKE bits): the consumer notifies only then. */
  wakeWanted: 6,
  /** Words of the block. */
  size: 8,
} as const;

/** Bits of CONTROL.wakeWanted. */
export const WAKE = {
  /** A call waits for room: notified once the ring is at most half full, so it writes a long run when woken. */
  room: 1,
  /** flush() waits: notified on any progress. */
  flush: 2,
} as const;

/** Record types: the low 5 bits of a record's first word. */
export const RECORD = {
  /** The time of the records that follow: [header, low 32 bits, high 32 bits] of the epoch-ms float64. */
  time: 1,
  /** The next entry of the string table: [header, UTF-16 length, two code units per word...]. */
  string: 2,
  /** Empties the string table (the producer's table reached its bound). */
  resetStrings: 3,
  /** [header, peer, lease, seq lo, seq hi, attempt lo, attempt hi, resource type, resource id] */
  assign: 4,
  /** [header(+requeued), peer, lease, seq lo, seq hi, attempt lo, attempt hi] */
  release: 5,
  /** [header(+handle, +pending), peer, (lease, seq lo, seq hi, attempt lo, attempt hi)?, (pending lo, pending hi)?] */
  heartbeat: 6,
  /** [header, peer, reason] */
  disconnect: 7,
  /** Entries of the next gossip record: [header, count, key, value, key, value...]. */
  gossipEntries: 8,
  /** [header(+not an object), peer]: applies the entries of the gossipEntries records before it. */
  gossip: 9,
  /** A call that threw its input error in the producer: counted as the tracker counts it. */
  rejected: 10,
} as const;

/** Flag bits of a record's first word (bits 5 to 7). */
export const FLAG = {
  requeued: 1 << 5,
  handle: 1 << 5,
  pending: 1 << 6,
  notAnObject: 1 << 5,
} as const;

/** The record's length in words, header included, sits above bit 8. */
export const LENGTH_SHIFT = 8;
export const TYPE_MASK = 0x1f;

/**
 * A value slot that is not a string of the table: negative tags. The tracker sees a stand-in of the
 * same kind, so it drops or skips the value exactly as it would drop or skip the original.
 */
export const VALUE_TAG = {
  undefined: -1,
  null: -2,
  /** Any other non-string: a number, a boolean, an object. */
  other: -3,
  /** A string longer than every limit that applies to it, not blank. */
  oversize: -4,
  /** A blank string longer than every limit. */
  oversizeBlank: -5,
} as const;

/** Gossip entries per gossipEntries record. */
export const GOSSIP_ENTRIES_PER_RECORD = 64;

/** Entries of a channel's string table before it is emptied and filled again (the default and the most). */
export const STRING_TABLE_LIMIT = 1 << 20;

/** The ring's default and smallest sizes, in bytes (rounded up to a power of two). */
export const DEFAULT_RING_BYTES = 1 << 20;
export const MIN_RING_BYTES = 1 << 12;
export const MAX_RING_BYTES = 1 << 30;

/** Writes `value` (a non-negative safe integer) as two words: the low 32 bits, then the high 21. */
export function lowWord(value: number): number {
  // Most values (counts, sequence numbers) fit 31 bits: no float division for them.
  return value <= 0x7fff_ffff ? value : value % 0x1_0000_0000 | 0;
}

export function highWord(value: number): number {
  return value <= 0x7fff_ffff ? 0 : Math.floor(value / 0x1_0000_0000) | 0;
}

export function joinWords(low: number, high: number): number {
  // Most values fit 31 bits: returned as the small integer they are, not a float to box.
  if (high === 0 && low >= 0) return low;
  return (high >>> 0) * 0x1_0000_0000 + (low >>> 0);
}
