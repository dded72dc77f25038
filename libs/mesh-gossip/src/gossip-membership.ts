import type {
  GossipDigestEntry,
  GossipMemberInfo,
  GossipMemberState,
  GossipMemberView,
} from './interfaces/gossip-member.interface';

interface MemberRecord {
  info: GossipMemberInfo;
  incarnation: number;
  heartbeat: number;
  state: GossipMemberState;
  /** Local time of the last version advance or state change. */
  changedAt: number;
}

/** What changed for one member in a merge or a sweep; the service turns it into tracker calls. */
export interface MemberChange {
  readonly info: GossipMemberInfo;
  readonly previous: GossipMemberState | undefined;
  readonly state: GossipMemberState;
  /** Its version advanced: the member is alive and heart-beating. */
  readonly progressed: boolean;
  /** Role, region, labels... differ from what was known (or the member is new). */
  readonly infoChanged: boolean;
}

function sameInfo(a: GossipMemberInfo, b: GossipMemberInfo): boolean {
  if (
    a.url !== b.url ||
    a.role !== b.role ||
    a.cluster !== b.cluster ||
    a.region !== b.region ||
    a.meshVersion !== b.meshVersion ||
    a.http3 !== b.http3
  ) {
    return false;
  }
  const keys = Object.keys(a.labels);
  return keys.length === Object.keys(b.labels).length && keys.every((key) => a.labels[key] === b.labels[key]);
}

/**
 * Membership state of one node, free of timers and I/O: versions are (incarnation, heartbeat);
 * a newer version wins; failure detection is a sweep with the local clock.
 */
export class GossipMembership {
  private readonly members = new Map<string, MemberRecord>();
  private selfHeartbeat = 0;
  private selfState: 'alive' | 'left' = 'alive';

  constructor(
    private self: GossipMemberInfo,
    readonly incarnation: number,
  ) {}

  get selfId(): string {
    return this.self.nodeId;
  }

  get selfInfo(): GossipMemberInfo {
    return this.self;
  }

  setSelfUrl(url: string): void {
    this.self = { ...this.self, url };
  }

  beat(): void {
    this.selfHeartbeat++;
  }

  leave(): void {
    this.selfState = 'left';
    this.selfHeartbeat++;
  }

  merge(entries: readonly GossipDigestEntry[], now: number): MemberChange[] {
    const changes: MemberChange[] = [];
    for (const entry of entries) {
      if (entry.nodeId === this.self.nodeId) continue;
      const { incarnation, heartbeat, state, ...info } = entry;
      const known = this.members.get(entry.nodeId);
      if (!known) {
        this.members.set(entry.nodeId, { info, incarnation, heartbeat, state, changedAt: now });
        changes.push({ info, previous: undefined, state, progressed: state === 'alive', infoChanged: true });
        continue;
      }
      const newer = incarnation > known.incarnation || (incarnation === known.incarnation && heartbeat > known.heartbeat);
      const leaving = !newer && state === 'left' && known.state !== 'left' && incarnation === known.incarnation && heartbeat === known.heartbeat;
      if (!newer && !leaving) continue;
      const previous = known.state;
      const infoChanged = !sameInfo(known.info, info);
      known.info = info;
      known.incarnation = incarnation;
      known.heartbeat = heartbeat;
      known.state = state;
      known.changedAt = now;
      changes.push({ info, previous, state, progressed: newer && state === 'alive', infoChanged });
    }
    return changes;
  }

  /** Marks silent members suspect, then dead; forgets long-gone ones. */
  sweep(now: number, suspicionTimeoutMs: number, forgetAfterMs: number): MemberChange[] {
    const changes: MemberChange[] = [];
    for (const [nodeId, member] of this.members) {
      const silentFor = now - member.changedAt;
      let next: GossipMemberState = member.state;
      if (member.state === 'alive' && silentFor > suspicionTimeoutMs) next = 'suspect';
      else if (member.state === 'suspect' && silentFor > 2 * suspicionTimeoutMs) next = 'dead';
      else if ((member.state === 'dead' || member.state === 'left') && silentFor > forgetAfterMs) {
        this.members.delete(nodeId);
        continue;
      }
      if (next === member.state) continue;
      const previous = member.state;
      member.state = next;
      if (next === 'dead') member.changedAt = now;
      changes.push({ info: member.info, previous, state: next, progressed: false, infoChanged: false });
    }
    return changes;
  }

  selfEntry(): GossipDigestEntry {
    return { ...this.self, incarnation: this.incarnation, heartbeat: this.selfHeartbeat, state: this.selfState };
  }

  /** What this node tells others: itself and every member not judged dead. */
  digest(): GossipDigestEntry[] {
    const entries: GossipDigestEntry[] = this.self.url ? [this.selfEntry()] : [];
    for (const member of this.members.values()) {
      if (member.state === 'dead') continue;
      entries.push({
        ...member.info,
        incarnation: member.incarnation,
        heartbeat: member.heartbeat,
        state: member.state === 'left' ? 'left' : 'alive',
      });
    }
    return entries;
  }

  /** URLs of members worth gossiping with (alive or suspect), in random order. */
  reachable(random: () => number = Math.random): string[] {
    const urls = [...this.members.values()]
      .filter((member) => member.state === 'alive' || member.state === 'suspect')
      .map((member) => member.info.url);
    for (let i = urls.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      const swap = urls[i] ?? '';
      urls[i] = urls[j] ?? '';
      urls[j] = swap;
    }
    return urls;
  }

  view(now: number): GossipMemberView[] {
    const self: GossipMemberView = {
      ...this.self,
      incarnation: this.incarnation,
      heartbeat: this.selfHeartbeat,
      state: this.selfState,
      lastChangeAgoMs: 0,
      self: true,
    };
    const others = [...this.members.values()].map(
      (member): GossipMemberView => ({
        ...member.info,
        incarnation: member.incarnation,
        heartbeat: member.heartbeat,
        state: member.state,
        lastChangeAgoMs: Math.max(0, now - member.changedAt),
        self: false,
      }),
    );
    return [self, ...others].sort((a, b) => (a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0));
  }
}
