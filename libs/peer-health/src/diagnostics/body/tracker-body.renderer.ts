import type { PeerLeaseHealthTracker } from '../../tracker/peer-lease-health.tracker';
import type { BodyChunkPool } from './body-chunk-pool';
import { writeSummaryTail } from '../lease-health.serializer';
import { TrackerBodyWriter } from './tracker-body.writer';

/** Longest stretch of rendering before yielding to the event loop. */
export const RENDER_BUDGET_MS = 8;
/** Entries written between two looks at the clock. */
const RENDER_STEP = 256;

export interface RenderedTrackerBody {
  /** The body, in order. */
  readonly chunks: readonly Buffer[];
  /** The tracker version the body shows exactly, or undefined when the tracker changed while it was rendered in slices. */
  readonly exactVersion: number | undefined;
  /** The buffers behind `chunks` taken from the pool, to be given back once nothing reads the body. */
  readonly pooled: readonly Buffer[];
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The endpoint body when the tracker is the only provider. Unchanged peers' entries are copied from
 * the previous body and changed ones written anew (see TrackerBodyWriter); the sort order is kept
 * until the peer set changes. Rendering yields to the event loop whenever it has worked for
 * RENDER_BUDGET_MS, so a large body of changed peers never stalls other work; each entry is then the
 * peer as of its turn, and the summary always counts exactly the entries written. The body comes as
 * chunks of about 1 MiB, sent one after the other, never copied into one large buffer. With a
 * pool, those buffers come from it; the caller gives them back when nothing reads the body any more.
 */
export async function renderTrackerBody(tracker: PeerLeaseHealthTracker, pool?: BodyChunkPool): Promise<RenderedTrackerBody> {
  const peers = tracker.orderedPeers();
  const startVersion = tracker.version;
  // ~400 bytes per entry with a lease and a few metadata entries; a short guess costs one more buffer.
  const writer = new TrackerBodyWriter('{"peers":[', 256 + peers.length * 512, pool);
  let eligiblePeers = 0;
  let unhealthyPeers = 0;
  let pendingReassignments = 0;
  let turnStarted = performance.now();
  for (let start = 0; start < peers.length; start += RENDER_STEP) {
    if (start > 0 && performance.now() - turnStarted > RENDER_BUDGET_MS) {
      writer.flush();
      await nextTurn();
      // Deadlines that passed while other work ran are applied before the next entries are written.
      tracker.evaluateHealth();
      turnStarted = performance.now();
    }
    const end = Math.min(peers.length, start + RENDER_STEP);
    for (let i = start; i < end; i++) {
      const peer = peers[i];
      if (!peer) continue;
      writer.writePeer(peer);
      if (peer.healthy) eligiblePeers++;
      else unhealthyPeers++;
      pendingReassignments += peer.pendingReassignments;
    }
  }
  const chunks = writer.finish(writeSummaryTail({ eligiblePeers, unhealthyPeers, pendingReassignments }));
  return { chunks, exactVersion: tracker.version === startVersion ? startVersion : undefined, pooled: writer.pooledBuffers };
}
