import { isContactable, type MemberRecord } from './member-record';
import type { MemberTable } from './member-table';

/** URLs of members worth gossiping with (alive or suspect), in random order. @internal */
export function reachableUrls(table: MemberTable, random: () => number): string[] {
  const urls = [...table.values()].filter((member) => isContactable(member.state)).map((member) => member.info.url);
  for (let i = urls.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const swap = urls[i] ?? '';
    urls[i] = urls[j] ?? '';
    urls[j] = swap;
  }
  return urls;
}

/** Up to `count` distinct URLs of alive or suspect members, chosen at random (the gossip targets of a round). @internal */
export function pickUrls(table: MemberTable, count: number, random: () => number): string[] {
  const ring = table.ordered();
  const chosen = new Set<string>();
  const worthIt = (member: MemberRecord | undefined): member is MemberRecord => member !== undefined && isContactable(member.state);
  // Random probes first (cheap in a large mesh), then a scan so that a mostly-dead table still yields targets.
  for (let attempt = 0; attempt < count * 4 && chosen.size < count && ring.length > 0; attempt++) {
    const member = ring[Math.floor(random() * ring.length)];
    if (worthIt(member)) chosen.add(member.info.url);
  }
  if (chosen.size < count) {
    for (const url of reachableUrls(table, random)) {
      if (chosen.size >= count) break;
      chosen.add(url);
    }
  }
  return [...chosen];
}

/** The node id of the alive or suspect member at `url`, if any. @internal */
export function contactableAt(table: MemberTable, url: string): string | undefined {
  for (const [nodeId, member] of table.entries()) {
    if (member.info.url === url && isContactable(member.state)) return nodeId;
  }
  return undefined;
}

/** The URL of a member this node may contact (alive or suspect), if any. @internal */
export function contactableUrl(table: MemberTable, nodeId: string): string | undefined {
  const known = table.get(nodeId);
  return known && isContactable(known.state) ? known.info.url : undefined;
}
