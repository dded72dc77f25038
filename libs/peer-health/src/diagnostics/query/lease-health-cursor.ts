/**
 * The opaque `cursor` of a paged answer: the peer id the previous page ended with, so the next page
 * starts right after it even when peers came or went in between. Clients must not build it; its
 * form may change (it is versioned by its prefix).
 */
const PREFIX = 'a1.';

export function encodeCursor(lastPeerId: string): string {
  return PREFIX + Buffer.from(lastPeerId, 'utf8').toString('base64url');
}

/** The peer id in `cursor`, or undefined when it is not a cursor this endpoint wrote. */
export function decodeCursor(cursor: string, maxPeerIdLength: number): string | undefined {
  if (!cursor.startsWith(PREFIX) || cursor.length > PREFIX.length + Math.ceil((maxPeerIdLength * 4 * 4) / 3) + 4) return undefined;
  const payload = cursor.slice(PREFIX.length);
  if (!/^[A-Za-z0-9_-]+$/.test(payload)) return undefined;
  const peerId = Buffer.from(payload, 'base64url').toString('utf8');
  // Only what encodeCursor writes round-trips; anything else was made up or damaged.
  return peerId.length > 0 && encodeCursor(peerId) === cursor ? peerId : undefined;
}
