import type { GossipCodec, GossipEnvelope, MessageHead, WrittenMessage } from './gossip-codec';
import type { GossipDigestEntry, GossipMessage } from './interfaces/gossip-member.interface';
import type { GossipMembership } from './membership/gossip-membership';
import { GOSSIP_LIMITS } from './mesh-gossip.limits';
import type { PlainHistogram } from './telemetry/plain-histogram';

/** Full entries of queued changes one message carries at most (they ride λ·log N messages each). */
export const GOSSIP_CHANGES_PER_MESSAGE = 8;
/** Peers remembered as speaking format 1, at most. */
const MAX_LEGACY_PEERS = 4096;

/**
 * Writes this node's messages in the format each peer reads. Format 2 (a peer whose last message
 * carried a `digest`, or one not heard from yet): this node's own entry, the full entries the peer
 * wants and a few queued changes, then the compact digest of every member (paged only when it
 * outgrows a message) and the ids this node wants. Format 1 (a peer whose last message had no
 * `digest`: an older node): the member list in full entries, page after page, as older nodes write
 * and read it.
 * @internal
 */
export class GossipWriter {
  /** Members per page of the list in practice (compact digest when it pages; else unbounded). */
  private pageEntries = Number.MAX_SAFE_INTEGER;
  /** URLs of peers that spoke format 1 last. */
  private readonly legacy = new Set<string>();

  constructor(
    private readonly codec: GossipCodec,
    private readonly membership: GossipMembership,
    private readonly sent: PlainHistogram,
    private readonly sendBytes: number | undefined,
    private readonly sendMembers: number | undefined,
    private readonly sendDigestEntries: number = GOSSIP_LIMITS.sendDigestEntries,
  ) {}

  /** Members per message of the list as this node last sent it (the window the silence before a suspicion stretches by). */
  get pageSize(): number {
    return this.pageEntries;
  }

  /** Remembers the format the peer at `url` spoke in `message`. */
  noteFormat(url: string | undefined, message: GossipMessage): void {
    if (url === undefined) return;
    if (message.digest !== undefined) {
      this.legacy.delete(url);
      return;
    }
    this.legacy.add(url);
    if (this.legacy.size > MAX_LEGACY_PEERS) {
      const oldest = this.legacy.values().next();
      if (oldest.done !== true) this.legacy.delete(oldest.value);
    }
  }

  /** True when the peer at `url` spoke format 1 last. */
  speaksFormat1(url: string): boolean {
    return this.legacy.has(url);
  }

  /** A request (a round's, or a probe request) to the peer at `url`. */
  request(head: MessageHead, now: number, url: string | undefined): WrittenMessage {
    return url !== undefined && this.legacy.has(url) ? this.pages(head, now) : this.compact(head, now, undefined, []);
  }

  /** The answer to `request`, in its format and envelope. */
  answer(head: MessageHead, request: GossipMessage, now: number, envelope: GossipEnvelope): WrittenMessage {
    return request.digest === undefined ? this.pages(head, now, envelope) : this.compact(head, now, envelope, request.want ?? []);
  }

  /** A message of these entries only (news, probe verdicts), marked format 2 by an empty digest (format 1 readers skip it). */
  entries(head: MessageHead, entries: Iterable<GossipDigestEntry>, now: number, envelope?: GossipEnvelope): WrittenMessage {
    return this.observed(this.codec.write(head, { entries, digest: [] }, now, this.sendBytes, this.sendMembers, envelope));
  }

  private compact(head: MessageHead, now: number, envelope: GossipEnvelope | undefined, wanted: readonly string[]): WrittenMessage {
    const { membership } = this;
    const own = membership.selfInfo.url ? [membership.selfEntry()] : [];
    const entries = [...own, ...membership.entriesOf(wanted.slice(0, GOSSIP_LIMITS.want)), ...membership.takeChanges(GOSSIP_CHANGES_PER_MESSAGE)];
    const content = { entries, digest: membership.compactDigest(), digestLimit: this.sendDigestEntries, want: membership.takeWanted(GOSSIP_LIMITS.sendWant) };
    const written = this.codec.write(head, content, now, this.sendBytes, this.sendMembers, envelope);
    membership.advanceCompact(written.digestCarried);
    this.pageEntries = written.digestAll ? Number.MAX_SAFE_INTEGER : Math.max(1, written.digestCarried);
    return this.observed(written);
  }

  /** A format 1 message: the next page of the member list in full entries. */
  private pages(head: MessageHead, now: number, envelope?: GossipEnvelope): WrittenMessage {
    const written = this.codec.write(head, { entries: this.membership.digest() }, now, this.sendBytes, this.sendMembers, envelope);
    const carriedSelf = this.membership.selfInfo.url && written.carried > 0 ? 1 : 0;
    this.membership.advance(Math.max(0, written.carried - carriedSelf));
    return this.observed(written);
  }

  private observed(written: WrittenMessage): WrittenMessage {
    this.sent.observe(written.carried);
    return written;
  }
}
