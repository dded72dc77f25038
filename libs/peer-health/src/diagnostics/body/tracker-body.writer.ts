import { NEVER, type PeerState } from '../../tracker/tracker-read-model';
import { formatWireDate } from '../../base/wire-date';
import type { BodyChunkPool } from './body-chunk-pool';
import { CHUNK_BYTES } from './body-chunk-bytes';
import { asciiBytes, NUMBER_BOUND, quotedBound, writeAscii, writeBytes, writeNumber, writeQuoted } from './json-bytes';

const COMMA = 44;
const COLON = 58;

// The fixed text of an entry, as bytes (the wire format of the seed system, key order included).
const PEER_ID = asciiBytes('{"peerId":');
const LAST_HEARTBEAT = asciiBytes(',"lastHeartbeat":"');
const LAST_DISCONNECT = asciiBytes('","lastDisconnect":"');
const IS_HEALTHY_TRUE = asciiBytes('","isHealthy":true,"activeAssignments":');
const IS_HEALTHY_FALSE = asciiBytes('","isHealthy":false,"activeAssignments":');
const PENDING = asciiBytes(',"pendingReassignments":');
const ACTIVE_LEASES = asciiBytes(',"activeLeases":[');
const SEQUENCE_ID = asciiBytes('{"sequenceId":');
const ATTEMPT = asciiBytes(',"attempt":');
const LEASE_ID = asciiBytes(',"leaseId":"');
const LEASE_END = asciiBytes('"}');
const METADATA = asciiBytes('],"metadata":{');
const ENTRY_END = asciiBytes('}}');
/** A wire date is at most 33 characters (`YYYY-MM-DDTHH:mm:ss.fffffff+00:00`). */
const DATE_BOUND = 40;
/** The fixed text of an entry without leases or metadata, its two dates and its two numbers. */
const ENTRY_FIXED_BOUND =
  PEER_ID.length +
  LAST_HEARTBEAT.length +
  LAST_DISCONNECT.length +
  Math.max(IS_HEALTHY_TRUE.length, IS_HEALTHY_FALSE.length) +
  PENDING.length +
  ACTIVE_LEASES.length +
  METADATA.length +
  ENTRY_END.length +
  2 * DATE_BOUND +
  2 * NUMBER_BOUND;
/** One lease's fixed text, its separator and its two numbers; its id is bounded apart. */
const LEASE_FIXED_BOUND = 1 + SEQUENCE_ID.length + ATTEMPT.length + LEASE_ID.length + LEASE_END.length + 2 * NUMBER_BOUND;

let dateText = '';
let dateBytes: Uint8Array = new Uint8Array(0);
/**
 * Writes a wire date. Peers that changed together share their date (one clock reading for a burst of
 * events), so the bytes of the last date written are kept and copied in one go; keyed on the text.
 */
function writeDate(target: Buffer, at: number, text: string): number {
  if (text !== dateText) {
    dateText = text;
    dateBytes = asciiBytes(text);
  }
  return writeBytes(target, at, dateBytes);
}

/** Most bytes the entry of `peer` can take: where it is written, that much room is made first. */
function entryBound(peer: PeerState): number {
  let bound = ENTRY_FIXED_BOUND + quotedBound(peer.peerId.length);
  const leases = peer.leases;
  if (leases) for (const lease of leases) bound += LEASE_FIXED_BOUND + quotedBound(lease.leaseId.length);
  const metadata = peer.metadata;
  if (metadata) for (const text of metadata) bound += quotedBound(text.length) + 1;
  return bound;
}

/** Writes the entry of `peer` at `at` (room for entryBound(peer) is there); returns where it ends. */
function writeEntry(target: Buffer, at: number, peer: PeerState): number {
  let p = writeBytes(target, at, PEER_ID);
  p = writeQuoted(target, p, peer.peerId);
  p = writeBytes(target, p, LAST_HEARTBEAT);
  p = writeDate(target, p, formatWireDate(peer.lastHeartbeat === NEVER ? null : peer.lastHeartbeat));
  if (peer.lastDisconnect !== undefined) {
    p = writeBytes(target, p, LAST_DISCONNECT);
    p = writeDate(target, p, formatWireDate(peer.lastDisconnect));
  }
  p = writeBytes(target, p, peer.healthy ? IS_HEALTHY_TRUE : IS_HEALTHY_FALSE);
  const leases = peer.leases;
  p = writeNumber(target, p, leases ? leases.length : 0);
  p = writeBytes(target, p, PENDING);
  p = writeNumber(target, p, peer.pendingReassignments);
  p = writeBytes(target, p, ACTIVE_LEASES);
  if (leases) {
    for (let i = 0; i < leases.length; i++) {
      const lease = leases[i];
      if (!lease) continue;
      if (i > 0) target[p++] = COMMA;
      p = writeBytes(target, p, SEQUENCE_ID);
      p = writeNumber(target, p, lease.sequenceId);
      p = writeBytes(target, p, ATTEMPT);
      p = writeNumber(target, p, lease.attempt);
      p = writeBytes(target, p, LEASE_ID);
      // Lease ids are canonical UUIDs (checked and lower-cased when recorded): plain ASCII.
      p = writeAscii(target, p, lease.leaseId);
      p = writeBytes(target, p, LEASE_END);
    }
  }
  p = writeBytes(target, p, METADATA);
  const metadata = peer.metadata;
  if (metadata) {
    for (let i = 0; i + 1 < metadata.length; i += 2) {
      if (i > 0) target[p++] = COMMA;
      p = writeQuoted(target, p, metadata[i] ?? '');
      target[p++] = COLON;
      p = writeQuoted(target, p, metadata[i + 1] ?? '');
    }
  }
  return writeBytes(target, p, ENTRY_END);
}

/**
 * Writes the tracker's body into shared ~1 MiB buffers. An unchanged peer's entry is copied from
 * the previous body (runs of neighbours in one copy); a changed peer's entry is written byte by
 * byte where it belongs (no intermediate string). Every entry's place is remembered on its peer
 * for the next body.
 */
export class TrackerBodyWriter {
  private readonly chunks: Buffer[] = [];
  private buffer: Buffer;
  /** Next free byte of `buffer`; bytes before it are written or reserved for a pending copy. */
  private position = 0;
  /** Start of the part of `buffer` not yet handed out as a chunk. */
  private chunkStart = 0;
  private entries = 0;

  // A run of unchanged entries, contiguous in one old chunk, to be copied to `runTarget`.
  private runSource: Buffer | undefined;
  private runSourceStart = 0;
  private runSourceEnd = 0;
  private runTarget = 0;
  /** The buffers taken from the pool, to be given back when the body is no longer read. */
  private readonly taken: Buffer[] = [];

  /**
   * `expectedBytes`: a guess of the body's size, so that a small body does not hold a whole chunk.
   * `pool`: where whole CHUNK_BYTES buffers come from (fresh ones without it).
   */
  constructor(
    open: string,
    expectedBytes: number,
    private readonly pool?: BodyChunkPool,
  ) {
    this.buffer = expectedBytes >= CHUNK_BYTES ? this.chunkBuffer() : Buffer.allocUnsafe(Math.max(4096, Math.ceil(expectedBytes)));
    this.writeAscii(open);
  }

  /** The buffers this body took from the pool. */
  get pooledBuffers(): readonly Buffer[] {
    return this.taken;
  }

  /** Appends the entry of `peer`: copied when it is unchanged since the last body, else written. */
  writePeer(peer: PeerState): void {
    const source = peer.fragmentChunk;
    const separator = this.entries++ > 0 ? 1 : 0;
    if (source !== undefined) {
      const start = peer.fragmentStart;
      const end = peer.fragmentEnd;
      const length = end - start;
      if (source === this.runSource && separator === 1 && start === this.runSourceEnd + 1 && this.position + length + 1 <= this.buffer.length) {
        // Its neighbour in the old body too: one copy takes both, and the comma between them.
        this.position++;
        this.runSourceEnd = end;
      } else {
        this.flushRun();
        if (separator === 1) this.byte(COMMA);
        if (this.position + length > this.buffer.length) this.nextBuffer(length);
        this.runSource = source;
        this.runSourceStart = start;
        this.runSourceEnd = end;
        this.runTarget = this.position;
      }
      peer.fragmentChunk = this.buffer;
      peer.fragmentStart = this.position;
      peer.fragmentEnd = this.position + length;
      this.position += length;
      return;
    }
    this.flushRun();
    const bound = separator + entryBound(peer);
    if (this.position + bound > this.buffer.length) this.nextBuffer(bound);
    const buffer = this.buffer;
    let start = this.position;
    if (separator === 1) buffer[start++] = COMMA;
    const end = writeEntry(buffer, start, peer);
    peer.fragmentChunk = buffer;
    peer.fragmentStart = start;
    peer.fragmentEnd = end;
    this.position = end;
  }

  /**
   * Writes out what is pending. Called before the renderer yields: a peer that changes meanwhile
   * must not be given the place of an entry whose copy is still pending.
   */
  flush(): void {
    this.flushRun();
  }

  /** Appends the closing text and returns the chunks of the whole body. */
  finish(tail: string): readonly Buffer[] {
    this.flushRun();
    this.writeAscii(tail);
    this.seal();
    return this.chunks;
  }

  private nextBuffer(bytes: number): void {
    this.flushRun();
    this.seal();
    // An entry larger than a chunk gets a buffer of its own, never pooled.
    this.buffer = bytes + 1 > CHUNK_BYTES ? Buffer.allocUnsafe(bytes + 1) : this.chunkBuffer();
    this.position = 0;
    this.chunkStart = 0;
  }

  private chunkBuffer(): Buffer {
    if (!this.pool) return Buffer.allocUnsafe(CHUNK_BYTES);
    const buffer = this.pool.take();
    this.taken.push(buffer);
    return buffer;
  }

  private byte(value: number): void {
    if (this.position >= this.buffer.length) this.nextBuffer(1);
    this.buffer[this.position++] = value;
  }

  private writeAscii(text: string): void {
    if (this.position + text.length > this.buffer.length) this.nextBuffer(text.length);
    this.position = writeAscii(this.buffer, this.position, text);
  }

  private flushRun(): void {
    const source = this.runSource;
    if (source === undefined) return;
    source.copy(this.buffer, this.runTarget, this.runSourceStart, this.runSourceEnd);
    this.runSource = undefined;
  }

  private seal(): void {
    if (this.position > this.chunkStart) this.chunks.push(this.buffer.subarray(this.chunkStart, this.position));
    this.chunkStart = this.position;
  }
}
