import type { PeerLeaseHandle } from '../base/interfaces/peer-lease-handle.interface';
import { NEVER, type PeerState } from '../tracker/peer-state';
import { formatWireDate } from '../base/wire-date';

/** Size of the buffers the body is written into; a body is sent as these chunks, never joined. */
export const CHUNK_BYTES = 1 << 20;
/** Changed entries gathered into one string before it is written out (one native call per batch). */
const BATCH_CHARS = 16 * 1024;

const COMMA = 44;

/**
 * Whether `text` goes into JSON as it is between quotes: printable ASCII without `"` or `\`. Most
 * ids, keys and values are; only the others pay for JSON.stringify (and for UTF-8 encoding).
 */
function isPlain(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 34 || c === 92) return false;
  }
  return true;
}

/**
 * Writes the tracker's body into shared ~1 MiB buffers. An unchanged peer's entry is copied from
 * the previous body (runs of neighbours in one copy); a changed peer's entry is written as text,
 * gathered with its changed neighbours into one string and encoded in one call (as Latin-1 when
 * all of it is ASCII, which is a plain copy). Every entry's place is remembered on its peer for the
 * next body.
 */
export class TrackerBodyWriter {
  private readonly chunks: Buffer[] = [];
  private buffer: Buffer;
  /** Next free byte of `buffer`; bytes before it are written or reserved for a pending copy or batch. */
  private position = 0;
  /** Start of the part of `buffer` not yet handed out as a chunk. */
  private chunkStart = 0;
  private entries = 0;

  // A run of unchanged entries, contiguous in one old chunk, to be copied to `runTarget`.
  private runSource: Buffer | undefined;
  private runSourceStart = 0;
  private runSourceEnd = 0;
  private runTarget = 0;

  // Changed entries (with their separators) to be written as one string at `batchTarget`.
  private batch = '';
  private batchAscii = true;
  private batchTarget = 0;
  /** Peers of the batch, whose places are recorded once the batch is written. */
  private readonly batchPeers: PeerState[] = [];
  private readonly batchOffsets: number[] = [];
  /** Whether the entry being written is ASCII so far (it then needs no UTF-8 encoding). */
  private entryAscii = true;

  /** `expectedBytes`: a guess of the body's size, so that a small body does not hold a whole chunk. */
  constructor(open: string, expectedBytes: number) {
    this.buffer = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, Math.max(4096, Math.ceil(expectedBytes))));
    this.writeAscii(open);
  }

  /** Appends the entry of `peer`: copied when it is unchanged since the last body, else written. */
  writePeer(peer: PeerState): void {
    const source = peer.fragmentChunk;
    const separator = this.entries++ > 0 ? 1 : 0;
    if (source !== undefined) {
      const start = peer.fragmentStart;
      const end = peer.fragmentEnd;
      this.flushBatch();
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
    const text = this.entryText(peer);
    const ascii = this.entryAscii;
    const bytes = ascii ? text.length : Buffer.byteLength(text, 'utf8');
    if (this.batch.length + text.length > BATCH_CHARS || this.position + separator + bytes > this.buffer.length) this.flushBatch();
    if (this.position + separator + bytes > this.buffer.length) this.nextBuffer(separator + bytes);
    if (this.batch.length === 0) this.batchTarget = this.position;
    if (separator === 1) {
      this.batch += ',';
      this.position++;
    }
    this.batch += text;
    this.batchAscii &&= ascii;
    this.batchPeers.push(peer);
    this.batchOffsets.push(this.position);
    this.position += bytes;
  }

  /**
   * Writes out what is pending. Called before the renderer yields: a peer that changes meanwhile
   * must not be given the place of an entry written before the change.
   */
  flush(): void {
    this.flushRun();
    this.flushBatch();
  }

  /** Appends the closing text and returns the chunks of the whole body. */
  finish(tail: string): readonly Buffer[] {
    this.flushRun();
    this.flushBatch();
    this.writeAscii(tail);
    this.seal();
    return this.chunks;
  }

  /** `text` as a JSON string literal; clears `entryAscii` when that is not plain ASCII. */
  private quoted(text: string): string {
    if (isPlain(text)) return `"${text}"`;
    this.entryAscii = false;
    return JSON.stringify(text);
  }

  /** The peer's entry as JSON text; sets `entryAscii`. */
  private entryText(peer: PeerState): string {
    this.entryAscii = true;
    const quoted = (text: string): string => this.quoted(text);
    let json = `{"peerId":${quoted(peer.peerId)},"lastHeartbeat":"${formatWireDate(peer.lastHeartbeat === NEVER ? null : peer.lastHeartbeat)}"`;
    if (peer.lastDisconnect !== undefined) json += `,"lastDisconnect":"${formatWireDate(peer.lastDisconnect)}"`;
    const leases: readonly PeerLeaseHandle[] = peer.leases ?? [];
    json += `,"isHealthy":${peer.healthy},"activeAssignments":${leases.length},"pendingReassignments":${peer.pendingReassignments},"activeLeases":[`;
    for (let i = 0; i < leases.length; i++) {
      const lease = leases[i];
      // Lease ids are canonical UUIDs (checked and lower-cased when recorded): always plain.
      if (lease) json += `${i > 0 ? ',' : ''}{"sequenceId":${lease.sequenceId},"attempt":${lease.attempt},"leaseId":"${lease.leaseId}"}`;
    }
    json += '],"metadata":{';
    const metadata = peer.metadata;
    if (metadata) {
      for (let i = 0; i + 1 < metadata.length; i += 2) {
        json += `${i > 0 ? ',' : ''}${quoted(metadata[i] ?? '')}:${quoted(metadata[i + 1] ?? '')}`;
      }
    }
    return `${json}}}`;
  }

  private nextBuffer(bytes: number): void {
    this.flushRun();
    this.flushBatch();
    this.seal();
    this.buffer = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, bytes + 1));
    this.position = 0;
    this.chunkStart = 0;
  }

  private byte(value: number): void {
    if (this.position >= this.buffer.length) this.nextBuffer(1);
    this.buffer[this.position++] = value;
  }

  private writeAscii(text: string): void {
    if (this.position + text.length > this.buffer.length) this.nextBuffer(text.length);
    this.position += this.buffer.write(text, this.position, 'latin1');
  }

  private flushRun(): void {
    const source = this.runSource;
    if (source === undefined) return;
    source.copy(this.buffer, this.runTarget, this.runSourceStart, this.runSourceEnd);
    this.runSource = undefined;
  }

  private flushBatch(): void {
    if (this.batch.length === 0) return;
    const text = this.batch;
    const target = this.batchTarget;
    this.buffer.write(text, target, this.batchAscii ? 'latin1' : 'utf8');
    // Each entry ends where the next one's separator (or the batch) begins.
    const peers = this.batchPeers;
    const offsets = this.batchOffsets;
    for (let i = 0; i < peers.length; i++) {
      const peer = peers[i];
      if (!peer) continue;
      peer.fragmentChunk = this.buffer;
      peer.fragmentStart = offsets[i] ?? 0;
      peer.fragmentEnd = i + 1 < peers.length ? (offsets[i + 1] ?? 0) - 1 : this.position;
    }
    this.batch = '';
    this.batchAscii = true;
    peers.length = 0;
    offsets.length = 0;
  }

  private seal(): void {
    if (this.position > this.chunkStart) this.chunks.push(this.buffer.subarray(this.chunkStart, this.position));
    this.chunkStart = this.position;
  }
}
