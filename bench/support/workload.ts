import type { Clock, PeerLeaseHandle, PeerRecorder } from '@omnirelay/peer-health';
import { Xoshiro128 } from './random';

/** The record methods both the kit's tracker and the naive baseline offer. */
export interface PeerEventSink {
  recordLeaseAssignment(peerId: string, handle: PeerLeaseHandle, resourceType?: string, resourceId?: string): void;
  recordLeaseReleased(peerId: string, handle: PeerLeaseHandle, requeued: boolean): void;
  recordLeaseHeartbeat(peerId: string, handle?: PeerLeaseHandle, pendingCount?: number): void;
  recordDisconnect(peerId: string, reason?: string): void;
  recordGossip(peerId: string, metadata: Readonly<Record<string, string>>): void;
}

export const enum Op {
  Heartbeat,
  Assignment,
  Release,
  Gossip,
  Disconnect,
}

export const peerIdOf = (i: number): string => `peer-${String(i).padStart(7, '0')}`;

export function leaseOf(sequenceId: number): PeerLeaseHandle {
  return { sequenceId, attempt: 1, leaseId: `00000000-0000-4000-8000-${sequenceId.toString(16).padStart(12, '0')}` };
}

const ZONES = ['a', 'b', 'c'].map((zone) => Object.freeze({ 'label.zone': zone }));

/**
 * A pre-generated event stream, stored compactly so that replaying it costs little next to the
 * recording itself: parallel typed arrays, and per-peer id strings and lease handles shared as a
 * real producer shares them (it keeps the handle it was given).
 */
export interface EventStream {
  readonly count: number;
  readonly ops: Uint8Array;
  readonly peers: Int32Array;
  /** pending count, or requeued (1/0) for releases, or zone for gossip */
  readonly args: Uint8Array;
  /** per event: the lease handle it names (assignments and releases of the second lease) */
  readonly extraHandles: ReadonlyArray<PeerLeaseHandle | undefined>;
  readonly peerIds: readonly string[];
  readonly baseHandles: readonly PeerLeaseHandle[];
}

/** Gives every peer one active lease and six metadata entries (the memory benchmark's peer). */
export function populate(sink: PeerEventSink, peers: number, offset = 0, stream?: EventStream): void {
  for (let i = 0; i < peers; i++) {
    const peerId = stream?.peerIds[offset + i] ?? peerIdOf(offset + i);
    sink.recordGossip(peerId, { 'mesh.role': 'worker', 'mesh.region': `region-${i % 8}`, 'mesh.cluster': 'c1', 'label.zone': 'a' });
    sink.recordLeaseAssignment(peerId, stream?.baseHandles[offset + i] ?? leaseOf(offset + i + 1), 'catalog', `item-${i % 1000}`);
  }
}

/**
 * A mixed stream over `peers` peers, valid against a populated sink: 80% heartbeats of the peer's
 * lease, 6% assignments and releases of a second lease, 6% gossip, 2% disconnects. Each event goes
 * to a peer drawn uniformly at random (seeded, so every run replays the same stream).
 */
export function mixedEvents(peers: number, count: number, seed = 12): EventStream {
  const random = new Xoshiro128(seed);
  const peerIds = Array.from({ length: peers }, (_, i) => peerIdOf(i));
  const baseHandles = Array.from({ length: peers }, (_, i) => leaseOf(i + 1));
  const extra = new Array<PeerLeaseHandle | undefined>(peers);
  const ops = new Uint8Array(count);
  const peerIndex = new Int32Array(count);
  const args = new Uint8Array(count);
  const extraHandles = new Array<PeerLeaseHandle | undefined>(count);
  let nextSequence = 10_000_000;
  for (let n = 0; n < count; n++) {
    const i = random.below(peers);
    peerIndex[n] = i;
    const roll = n % 50;
    const held = extra[i];
    if (roll < 40 || (roll < 46 && roll >= 43 && !held)) {
      ops[n] = Op.Heartbeat;
      args[n] = n % 10;
    } else if (roll < 46) {
      if (held) {
        ops[n] = Op.Release;
        args[n] = roll < 43 && n % 2 === 0 ? 1 : 0;
        extraHandles[n] = held;
        extra[i] = undefined;
      } else {
        const handle = leaseOf(nextSequence++);
        extra[i] = handle;
        ops[n] = Op.Assignment;
        extraHandles[n] = handle;
      }
    } else if (roll < 49) {
      ops[n] = Op.Gossip;
      args[n] = n % 3;
    } else {
      ops[n] = Op.Disconnect;
    }
  }
  return { count, ops, peers: peerIndex, args, extraHandles, peerIds, baseHandles };
}

export function apply(sink: PeerEventSink, stream: EventStream, from = 0, to = stream.count): void {
  const { ops, peers, args, extraHandles, peerIds, baseHandles } = stream;
  for (let n = from; n < to; n++) {
    const i = peers[n] ?? 0;
    const peerId = peerIds[i] ?? '';
    switch (ops[n]) {
      case Op.Heartbeat:
        sink.recordLeaseHeartbeat(peerId, baseHandles[i], args[n]);
        break;
      case Op.Assignment: {
        const handle = extraHandles[n];
        if (handle) sink.recordLeaseAssignment(peerId, handle, 'invoice', 'inv');
        break;
      }
      case Op.Release: {
        const handle = extraHandles[n];
        if (handle) sink.recordLeaseReleased(peerId, handle, args[n] === 1);
        break;
      }
      case Op.Gossip:
        sink.recordGossip(peerId, ZONES[args[n] ?? 0] ?? {});
        break;
      case Op.Disconnect:
        sink.recordDisconnect(peerId, 'connection-reset');
        break;
    }
  }
}

/** What applyRecorders() calls: the kit's PeerRecorder, or the floor's stand-in. */
export type RecorderLike = Pick<PeerRecorder, 'heartbeat' | 'assign' | 'release' | 'disconnect' | 'gossip'>;

/** The same replay as apply(), through one bound recorder per peer (`recorders[i]` records for peer i). */
export function applyRecorders(recorders: readonly RecorderLike[], stream: EventStream, from = 0, to = stream.count): void {
  const { ops, peers, args, extraHandles, baseHandles } = stream;
  for (let n = from; n < to; n++) {
    const i = peers[n] ?? 0;
    const recorder = recorders[i];
    if (!recorder) continue;
    switch (ops[n]) {
      case Op.Heartbeat:
        recorder.heartbeat(baseHandles[i], args[n]);
        break;
      case Op.Assignment: {
        const handle = extraHandles[n];
        if (handle) recorder.assign(handle, 'invoice', 'inv');
        break;
      }
      case Op.Release: {
        const handle = extraHandles[n];
        if (handle) recorder.release(handle, args[n] === 1);
        break;
      }
      case Op.Gossip:
        recorder.gossip(ZONES[args[n] ?? 0] ?? {});
        break;
      case Op.Disconnect:
        recorder.disconnect('connection-reset');
        break;
    }
  }
}

/** What the bare loop writes: one field of a per-peer object. */
export interface BarePeer {
  lastHeartbeat: number;
}

/**
 * The floor of ingest through recorders: a stand-in recorder whose every method is one clock read
 * and one field write of its own per-peer object. The same replay through it pays what the kit's
 * recorders cannot avoid: the loop, the producer's recorder and handle (each a random object at
 * fleet scale) and the peer's own object.
 */
export class FloorRecorder implements RecorderLike {
  lastEvent = 0;

  constructor(private readonly clock: Clock) {}

  heartbeat(): void {
    this.lastEvent = this.clock.now();
  }

  assign(): void {
    this.lastEvent = this.clock.now();
  }

  release(): void {
    this.lastEvent = this.clock.now();
  }

  disconnect(): void {
    this.lastEvent = this.clock.now();
  }

  gossip(): void {
    this.lastEvent = this.clock.now();
  }
}

/**
 * The floor of by-id ingest: per event of the same replay, one `Map.get` by the peer id string, one
 * clock read and one field write, nothing else. What any by-id tracker pays in cache misses.
 */
export function applyBare(map: ReadonlyMap<string, BarePeer>, clock: Clock, stream: EventStream): number {
  const { peers, peerIds } = stream;
  let missing = 0;
  for (let n = 0; n < stream.count; n++) {
    const peer = map.get(peerIds[peers[n] ?? 0] ?? '');
    if (peer) peer.lastHeartbeat = clock.now();
    else missing++;
  }
  return missing;
}
