/** Limits on what a gossip message may carry; anything past them is refused or dropped, never trusted. */
export const GOSSIP_LIMITS = {
  /** Entries a received message may carry. */
  members: 1024,
  idLength: 256,
  textLength: 256,
  urlLength: 2048,
  labels: 32,
  labelKeyLength: 128,
  labelValueLength: 256,
  nonceLength: 64,
  /** Compact digest entries a received message may carry (a format 2 digest of the whole list). */
  digestEntries: 8192,
  /** Node ids a received message may ask full entries for (`want`). */
  want: 256,
  /** Bytes of a received signed payload. */
  messageBytes: 256 * 1024,
  /**
   * What this node puts in one message (bytes of the whole body, and entries): well under what any
   * receiver accepts (`members`, `messageBytes`, and a host's request body limit of 64 KiB or more),
   * so a node never sends a message its peers refuse; larger member lists go out page by page.
   */
  sendBytes: 60 * 1024,
  sendMembers: 512,
  /**
   * Compact digest entries this node puts in one message: a larger member list goes out in windows
   * of this many (each message the next), so the bytes a member sends do not grow with the mesh.
   * Failure detection then rests on probes, not on every heartbeat reaching everyone (see
   * scaled-suspicion.ts).
   */
  sendDigestEntries: 256,
  /** Bytes of a format 2 message kept for full entries (own entry, changes, answers to `want`); the digest takes the rest. */
  sendEntryBytes: 16 * 1024,
  /** Node ids this node asks for in one message. */
  sendWant: 128,
  /** Bytes of an answer this node reads from a peer before giving up on it. */
  replyBytes: 1024 * 1024,
} as const;
