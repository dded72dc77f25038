import { performance } from 'node:perf_hooks';
import type { LeaseHealthPeer } from '../base/lease-health-document';
import { checkLeaseHealthPeer, checkLeaseHealthSummary } from '../base/lease-health-document';
import type { PeerLeaseHealthSnapshot } from '../base/interfaces/peer-lease-health-snapshot.interface';
import { FederationLimitError } from '../base/errors/federation-limit.error';
import type { FederationShare } from './federation-budget';
import { yieldIfDue } from './parse-turns';
import { snapshotOfPeer } from './wire-peer-snapshots';

/** Longest single peer entry accepted (a peer of the kit's own limits is a few KiB). */
const MAX_PEER_ENTRY_BYTES = 256 * 1024;
/** Longest value of a top-level field other than `peers` (`summary`, or fields this kit does not know). */
const MAX_OTHER_FIELD_BYTES = 64 * 1024;
/** Peers parsed between two looks at the clock. */
const PEERS_PER_CLOCK_LOOK = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

const isSpace = (c: number | undefined): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** Where a read of a lease-health body is, over its raw bytes. */
class Cursor {
  pos = 0;

  constructor(private readonly bytes: Buffer) {}

  /** The next byte that is not white space (undefined at the end), the cursor on it. */
  peek(): number | undefined {
    while (this.pos < this.bytes.length && isSpace(this.bytes[this.pos])) this.pos++;
    return this.bytes[this.pos];
  }

  expect(byte: number, what: string): void {
    if (this.peek() !== byte) throw new Error(`not JSON: expected ${what} at byte ${this.pos}`);
    this.pos++;
  }

  /** The end (exclusive) of the string whose opening quote is at `start`. */
  stringEnd(start: number): number {
    let from = start + 1;
    for (;;) {
      const quote = this.bytes.indexOf(QUOTE, from);
      if (quote < 0) throw new Error('not JSON: a string does not end');
      let backslashes = 0;
      for (let i = quote - 1; i > start && this.bytes[i] === BACKSLASH; i--) backslashes++;
      if (backslashes % 2 === 0) return quote + 1;
      from = quote + 1;
    }
  }

  /** The end (exclusive) of the value starting at the cursor, at most `maxBytes` long (else throws naming `what`). */
  valueEnd(maxBytes: number, what: string): number {
    const start = this.pos;
    const limit = Math.min(this.bytes.length, start + maxBytes);
    const first = this.bytes[start];
    if (first === QUOTE) {
      const end = this.stringEnd(start);
      if (end > limit) throw new Error(`${what} is longer than ${maxBytes} bytes`);
      return end;
    }
    if (first !== OPEN_OBJECT && first !== OPEN_ARRAY) {
      let i = start;
      while (i < limit && !isSpace(this.bytes[i]) && this.bytes[i] !== COMMA && this.bytes[i] !== CLOSE_OBJECT && this.bytes[i] !== CLOSE_ARRAY) i++;
      return i;
    }
    let depth = 0;
    for (let i = start; i < limit; ) {
      const c = this.bytes[i];
      if (c === QUOTE) {
        i = this.stringEnd(i);
        continue;
      }
      if (c === OPEN_OBJECT || c === OPEN_ARRAY) depth++;
      else if ((c === CLOSE_OBJECT || c === CLOSE_ARRAY) && --depth === 0) return i + 1;
      i++;
    }
    throw new Error(limit < this.bytes.length ? `${what} is longer than ${maxBytes} bytes` : 'not JSON: a value does not end');
  }

  /** The value at the cursor, parsed; the cursor moves past it. */
  value(maxBytes: number, what: string): unknown {
    this.peek();
    const start = this.pos;
    const end = this.valueEnd(maxBytes, what);
    this.pos = end;
    try {
      return JSON.parse(this.bytes.toString('utf8', start, end)) as unknown;
    } catch (error) {
      throw new Error(`not JSON in ${what} (${error instanceof Error ? error.message : String(error)})`);
    }
  }
}

/** Bytes copied between two looks at the clock while joining a body's chunks. */
const JOIN_BYTES_PER_CLOCK_LOOK = 1024 * 1024;

/**
 * The chunks of a body as one buffer, copied a slice at a time: one Buffer.concat of 16 MB is a
 * single copy that holds the event loop for tens of milliseconds on a loaded machine.
 * @internal
 */
export async function joinInSlices(chunks: readonly Buffer[], length: number): Promise<Buffer> {
  const only = chunks[0];
  if (chunks.length === 1 && only !== undefined) return only;
  const joined = Buffer.allocUnsafe(length);
  let offset = 0;
  let sinceLook = 0;
  let sliceStart = performance.now();
  for (const chunk of chunks) {
    offset += chunk.copy(joined, offset);
    sinceLook += chunk.length;
    if (sinceLook >= JOIN_BYTES_PER_CLOCK_LOOK) {
      sinceLook = 0;
      sliceStart = await yieldIfDue(sliceStart);
    }
  }
  return offset === length ? joined : joined.subarray(0, offset);
}

/** Where each peer entry of a body starts and ends (byte offsets), found without parsing them. */
interface PeerSpans {
  count: number;
  starts: Uint32Array;
  ends: Uint32Array;
}

/**
 * First pass: walks the document's structure, checks `summary` and every other top-level field,
 * and finds each peer entry's bytes, without building any peer object. More than `maxPeers` entries
 * refuse the body here, before any of it is parsed.
 */
async function indexPeers(cursor: Cursor, maxPeers: number): Promise<PeerSpans> {
  const spans: PeerSpans = { count: 0, starts: new Uint32Array(1024), ends: new Uint32Array(1024) };
  let sawPeers = false;
  let sawSummary = false;
  let sliceStart = performance.now();
  cursor.expect(OPEN_OBJECT, 'the document object');
  let next = cursor.peek();
  while (next !== CLOSE_OBJECT) {
    if (next !== QUOTE) throw new Error(`not JSON: expected a field name at byte ${cursor.pos}`);
    const key = cursor.value(1024, 'a field name');
    cursor.expect(COLON, ':');
    if (key === 'peers') {
      if (sawPeers) throw new Error('peers appears twice');
      sawPeers = true;
      cursor.expect(OPEN_ARRAY, 'peers, an array');
      let entry = cursor.peek();
      while (entry !== CLOSE_ARRAY) {
        if (spans.count > 0) {
          cursor.expect(COMMA, ', between peers');
          cursor.peek();
        }
        if (spans.count >= maxPeers) throw new FederationLimitError(`answered more than ${maxPeers} peers (the per-host limit)`);
        if (spans.count === spans.starts.length) {
          const grown = { starts: new Uint32Array(spans.count * 2), ends: new Uint32Array(spans.count * 2) };
          grown.starts.set(spans.starts);
          grown.ends.set(spans.ends);
          spans.starts = grown.starts;
          spans.ends = grown.ends;
        }
        spans.starts[spans.count] = cursor.pos;
        cursor.pos = cursor.valueEnd(MAX_PEER_ENTRY_BYTES, `peers[${spans.count}]`);
        spans.ends[spans.count] = cursor.pos;
        spans.count++;
        if (spans.count % PEERS_PER_CLOCK_LOOK === 0) sliceStart = await yieldIfDue(sliceStart);
        entry = cursor.peek();
      }
      cursor.pos++;
    } else {
      const value = cursor.value(MAX_OTHER_FIELD_BYTES, typeof key === 'string' ? key : 'a field');
      if (key === 'summary') {
        if (sawSummary) throw new Error('summary appears twice');
        sawSummary = true;
        checkLeaseHealthSummary(value);
      }
    }
    next = cursor.peek();
    if (next === COMMA) {
      cursor.pos++;
      next = cursor.peek();
      if (next !== QUOTE) throw new Error(`not JSON: expected a field name at byte ${cursor.pos}`);
    } else if (next !== CLOSE_OBJECT) {
      throw new Error(`not JSON: expected , or } at byte ${cursor.pos}`);
    }
  }
  cursor.pos++;
  if (cursor.peek() !== undefined) throw new Error(`not JSON: bytes after the document at byte ${cursor.pos}`);
  if (!sawPeers) throw new Error('peers is undefined, not an array');
  if (!sawSummary) throw new Error('summary is undefined, not an object');
  return spans;
}

/**
 * The snapshots of a remote lease-health body, parsed from its bytes a slice at a time, so a 16 MB
 * answer never holds up other requests (the event loop gets a turn every few milliseconds). A first
 * pass finds the peer entries without building anything: more than `maxPeers` of them, or more than
 * the read's budget has left (taken here, whole), refuse the body before any peer object exists
 * (FederationLimitError). A second pass parses each entry on its own with the checks of
 * parseLeaseHealthDocument, plus UUID lease ids and peer ids of sane length; any malformed part
 * refuses the whole body (an Error naming it).
 * @internal
 */
export async function snapshotsOfLeaseHealthBytes(bytes: Buffer, maxPeers: number, share: FederationShare): Promise<readonly PeerLeaseHealthSnapshot[]> {
  const cursor = new Cursor(bytes);
  const spans = await indexPeers(cursor, maxPeers);
  share.takePeers(spans.count);
  const snapshots: PeerLeaseHealthSnapshot[] = [];
  const seen = new Set<string>();
  let sliceStart = performance.now();
  for (let i = 0; i < spans.count; i++) {
    const path = `peers[${i}]`;
    let peer: unknown;
    try {
      peer = JSON.parse(bytes.toString('utf8', spans.starts[i], spans.ends[i])) as unknown;
    } catch (error) {
      throw new Error(`not JSON in ${path} (${error instanceof Error ? error.message : String(error)})`);
    }
    const peerId = checkLeaseHealthPeer(peer, path);
    if (seen.has(peerId)) throw new Error(`${path}.peerId ${JSON.stringify(peerId)} appears twice`);
    seen.add(peerId);
    snapshots.push(snapshotOfPeer(peer as LeaseHealthPeer, path));
    if ((i + 1) % PEERS_PER_CLOCK_LOOK === 0) sliceStart = await yieldIfDue(sliceStart);
  }
  return Object.freeze(snapshots);
}
