import type { PeerLeaseHealthTracker } from '../tracker/peer-lease-health.tracker';
import type { PeerLeaseHandle } from '../base/interfaces/peer-lease-handle.interface';
import { NEVER, type PeerState } from '../tracker/peer-state';
import { writePeerParts, writeSummaryTail } from './lease-health.serializer';

const NO_LEASES: readonly PeerLeaseHandle[] = [];
const NO_METADATA: readonly string[] = [];

/** Longest stretch of rendering before yielding to the event loop. */
export const RENDER_BUDGET_MS = 8;
/** Entries written between two looks at the clock. */
const RENDER_STEP = 256;

export interface RenderedTrackerBody {
  /** The body, in order. */
  readonly chunks: readonly Buffer[];
  /** The tracker version the body shows exactly, or undefined when the tracker changed while it was rendered in slices. */
  readonly exactVersion: number | undefined;
}

const OPEN = Buffer.from('{"peers":[');

/** The peer's entry as UTF-8 with a leading comma, encoded once per change of the peer. */
export function fragmentOf(peer: PeerState): Buffer {
  let fragment = peer.fragment;
  if (fragment === undefined) {
    const entry = writePeerParts(
      (peer.peerIdJson ??= JSON.stringify(peer.peerId)),
      peer.lastHeartbeat === NEVER ? null : peer.lastHeartbeat,
      peer.lastDisconnect ?? null,
      peer.healthy,
      peer.leases?.length ?? 0,
      peer.pendingReassignments,
      peer.leases ?? NO_LEASES,
      peer.metadata ?? NO_METADATA,
    );
    fragment = Buffer.from(`,${entry}`);
    peer.fragment = fragment;
  }
  return fragment;
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Largest piece copied at once: no single copy of a large body stalls the loop. */
const CHUNK_BYTES = 1 << 20;

/**
 * The endpoint body when the tracker is the only provider: each peer's wire fragment is cached on
 * its state (as UTF-8) and rebuilt only after it changed, and the sort order is kept until the peer
 * set changes. Rendering yields to the event loop whenever it has worked for RENDER_BUDGET_MS, so a
 * large body of changed peers never stalls other work; each entry is then the peer as of its turn,
 * and the summary always counts exactly the entries written. The body comes as chunks of about
 * 1 MiB, sent one after the other, never copied into one large buffer.
 */
export async function renderTrackerBody(tracker: PeerLeaseHealthTracker): Promise<RenderedTrackerBody> {
  const peers = tracker.orderedPeers();
  const startVersion = tracker.version;
  const chunks: Buffer[] = [];
  let pending: Buffer[] = [OPEN];
  let pendingBytes = OPEN.length;
  const seal = (): void => {
    if (pending.length > 0) chunks.push(pending.length === 1 && pending[0] ? pending[0] : Buffer.concat(pending, pendingBytes));
    pending = [];
    pendingBytes = 0;
  };
  let eligiblePeers = 0;
  let unhealthyPeers = 0;
  let pendingReassignments = 0;
  let turnStarted = performance.now();
  for (let start = 0; start < peers.length; start += RENDER_STEP) {
    if (start > 0 && performance.now() - turnStarted > RENDER_BUDGET_MS) {
      seal();
      await nextTurn();
      // Deadlines that passed while other work ran are applied before the next entries are written.
      tracker.evaluateHealth();
      turnStarted = performance.now();
    }
    const end = Math.min(peers.length, start + RENDER_STEP);
    for (let i = start; i < end; i++) {
      const peer = peers[i];
      if (!peer) continue;
      const fragment = i === 0 ? fragmentOf(peer).subarray(1) : fragmentOf(peer);
      pending.push(fragment);
      pendingBytes += fragment.length;
      if (peer.healthy) eligiblePeers++;
      else unhealthyPeers++;
      pendingReassignments += peer.pendingReassignments;
    }
    if (pendingBytes >= CHUNK_BYTES) seal();
  }
  const tail = Buffer.from(writeSummaryTail({ eligiblePeers, unhealthyPeers, pendingReassignments }));
  pending.push(tail);
  pendingBytes += tail.length;
  seal();
  return { chunks, exactVersion: tracker.version === startVersion ? startVersion : undefined };
}
