import type { PeerLeaseHealthTracker } from '../tracker/peer-lease-health.tracker';
import { buildPeerSnapshot } from '../tracker/peer-snapshot';
import type { PeerState } from '../tracker/peer-state';
import { writePeer, writeSummaryTail } from './lease-health.serializer';

/** Peers rendered per event-loop turn for large bodies, so the loop keeps breathing. */
export const RENDER_SLICE = 2000;

export interface RenderedTrackerBody {
  readonly body: Buffer;
  /** The tracker version the body shows exactly, or undefined when the tracker changed while it was rendered in slices. */
  readonly exactVersion: number | undefined;
}

function fragmentOf(peer: PeerState): string {
  let fragment = peer.fragment;
  if (fragment === undefined) {
    fragment = writePeer((peer.snapshot ??= buildPeerSnapshot(peer)));
    peer.fragment = fragment;
  }
  return fragment;
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The endpoint body when the tracker is the only provider: each peer's wire fragment is cached on
 * its state and rebuilt only after it changed, and the sort order is kept until the peer set
 * changes. Up to RENDER_SLICE peers are rendered at one instant; larger bodies are rendered slice by
 * slice between event-loop turns, each entry as of its slice, the summary counting exactly the
 * entries written.
 */
export async function renderTrackerBody(tracker: PeerLeaseHealthTracker): Promise<RenderedTrackerBody> {
  const peers = tracker.orderedPeers();
  const startVersion = tracker.version;
  if (peers.length <= RENDER_SLICE) {
    let body = '{"peers":[';
    for (let i = 0; i < peers.length; i++) {
      const peer = peers[i];
      if (peer) body += (i > 0 ? ',' : '') + fragmentOf(peer);
    }
    const { eligiblePeers, unhealthyPeers, pendingReassignments } = tracker.counts();
    body += writeSummaryTail({ eligiblePeers, unhealthyPeers, pendingReassignments });
    return { body: Buffer.from(body), exactVersion: startVersion };
  }
  const parts: Buffer[] = [Buffer.from('{"peers":[')];
  let eligiblePeers = 0;
  let unhealthyPeers = 0;
  let pendingReassignments = 0;
  for (let start = 0; start < peers.length; start += RENDER_SLICE) {
    if (start > 0) {
      await nextTurn();
      // Deadlines that passed while other work ran are applied before the next slice is written.
      tracker.evaluateHealth();
    }
    let slice = '';
    const end = Math.min(peers.length, start + RENDER_SLICE);
    for (let i = start; i < end; i++) {
      const peer = peers[i];
      if (!peer) continue;
      slice += (i > 0 ? ',' : '') + fragmentOf(peer);
      if (peer.healthy) eligiblePeers++;
      else unhealthyPeers++;
      pendingReassignments += peer.pendingReassignments;
    }
    parts.push(Buffer.from(slice));
  }
  parts.push(Buffer.from(writeSummaryTail({ eligiblePeers, unhealthyPeers, pendingReassignments })));
  return { body: Buffer.concat(parts), exactVersion: tracker.version === startVersion ? startVersion : undefined };
}
