import { GossipMessageError } from './errors/gossip-message.error';
import { GOSSIP_LIMITS } from './mesh-gossip.limits';
import type { GossipCompactEntry, GossipDigestEntry, GossipMessage, GossipProbeResult } from './interfaces/gossip-member.interface';


type Fields = Record<string, unknown>;

const isObject = (value: unknown): value is Fields => typeof value === 'object' && value !== null && !Array.isArray(value);
const isText = (value: unknown, max: number): value is string =>
  typeof value === 'string' && value.length <= max && !/\p{Cc}/u.test(value);
const isId = (value: unknown): value is string => isText(value, GOSSIP_LIMITS.idLength) && value.trim().length > 0;
const isVersion = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
const PROBE_RESULTS: readonly unknown[] = ['reached', 'unreached', 'declined'] satisfies GossipProbeResult[];
const isProbeResult = (value: unknown): value is GossipProbeResult => PROBE_RESULTS.includes(value);
const isNonce = (value: unknown): value is string =>
  typeof value === 'string' && value.length >= 16 && value.length <= GOSSIP_LIMITS.nonceLength && /^[A-Za-z0-9_-]+$/.test(value);

function isHttpUrl(value: unknown): value is string {
  if (!isText(value, GOSSIP_LIMITS.urlLength)) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.pathname === '/' && !url.search && !url.hash;
  } catch {
    return false;
  }
}

function labelsOf(value: unknown): Record<string, string> | undefined {
  if (!isObject(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length > GOSSIP_LIMITS.labels) return undefined;
  const labels = Object.create(null) as Record<string, string>;
  for (const key of keys) {
    const label = value[key];
    if (!isId(key) || key.length > GOSSIP_LIMITS.labelKeyLength || !isText(label, GOSSIP_LIMITS.labelValueLength)) return undefined;
    labels[key] = label;
  }
  return labels;
}

/** One digest entry, or undefined when any field is missing, malformed or over a limit. */
export function parseDigestEntry(value: unknown): GossipDigestEntry | undefined {
  if (!isObject(value)) return undefined;
  const { nodeId, url, role, cluster, region, meshVersion, http3, incarnation, heartbeat, state } = value;
  const labels = labelsOf(value['labels']);
  const textOk = [role, cluster, region, meshVersion].every((field) => isText(field, GOSSIP_LIMITS.textLength));
  if (!isId(nodeId) || !isHttpUrl(url) || !textOk || typeof http3 !== 'boolean' || !labels) return undefined;
  if (!isVersion(incarnation) || !isVersion(heartbeat) || (state !== 'alive' && state !== 'suspect' && state !== 'left')) return undefined;
  return {
    nodeId,
    url: url.replace(/\/$/, ''),
    role: role as string,
    cluster: cluster as string,
    region: region as string,
    meshVersion: meshVersion as string,
    http3,
    labels,
    incarnation,
    heartbeat,
    state,
  };
}

const COMPACT_STATES: ReadonlyArray<GossipCompactEntry['state']> = ['alive', 'suspect', 'left'];

/** One compact digest entry `[nodeId, incarnation, heartbeat, state]`, or undefined when malformed. */
export function parseCompactEntry(value: unknown): GossipCompactEntry | undefined {
  if (!Array.isArray(value) || value.length !== 4) return undefined;
  const [nodeId, incarnation, heartbeat, code] = value as unknown[];
  const state = typeof code === 'number' ? COMPACT_STATES[code] : undefined;
  if (!isId(nodeId) || !isVersion(incarnation) || !isVersion(heartbeat) || state === undefined) return undefined;
  return { nodeId, incarnation, heartbeat, state };
}

/** The wire form of a compact entry (see GossipCompactEntry). */
export function compactTuple(entry: GossipCompactEntry): [string, number, number, number] {
  return [entry.nodeId, entry.incarnation, entry.heartbeat, COMPACT_STATES.indexOf(entry.state)];
}

/** The digest and want of a format 2 message, bounded at the door; undefined fields were absent. */
function parseFormat2(digest: unknown, want: unknown): { digest?: GossipCompactEntry[]; want?: string[]; dropped: number } {
  if (digest !== undefined && !Array.isArray(digest)) throw new GossipMessageError("gossip message 'digest' must be an array");
  if (want !== undefined && !Array.isArray(want)) throw new GossipMessageError("gossip message 'want' must be an array");
  if (digest && digest.length > GOSSIP_LIMITS.digestEntries) {
    throw new GossipMessageError(`gossip message digest has more than ${GOSSIP_LIMITS.digestEntries} entries`, true);
  }
  if (want && want.length > GOSSIP_LIMITS.want) throw new GossipMessageError(`gossip message asks for more than ${GOSSIP_LIMITS.want} members`, true);
  const entries: GossipCompactEntry[] = [];
  for (const tuple of digest ?? []) {
    const entry = parseCompactEntry(tuple);
    if (entry) entries.push(entry);
  }
  const ids = (want ?? []).filter(isId);
  const dropped = (digest?.length ?? 0) - entries.length + (want?.length ?? 0) - ids.length;
  return { ...(digest ? { digest: entries } : {}), ...(want ? { want: ids } : {}), dropped };
}

/**
 * Validates a message from another node. A malformed envelope is a GossipMessageError (the HTTP
 * layer answers 400); malformed entries are dropped one by one and counted in `dropped`.
 */
export function parseGossipMessage(body: unknown): { message: GossipMessage; dropped: number } {
  if (!isObject(body)) throw new GossipMessageError('gossip message must be a JSON object');
  const { from, members, sentAt, nonce, replyTo, probe, probeResult, news, digest, want } = body;
  if (!isId(from)) throw new GossipMessageError("gossip message needs 'from', a non-blank node id");
  if (!Array.isArray(members)) throw new GossipMessageError("gossip message needs 'members', an array");
  if (sentAt !== undefined && !isVersion(sentAt)) throw new GossipMessageError("gossip message 'sentAt' must be epoch milliseconds");
  if (nonce !== undefined && !isNonce(nonce)) throw new GossipMessageError("gossip message 'nonce' must be 16 to 64 base64url characters");
  if (replyTo !== undefined && !isNonce(replyTo)) throw new GossipMessageError("gossip message 'replyTo' must be 16 to 64 base64url characters");
  if (probe !== undefined && !isId(probe)) throw new GossipMessageError("gossip message 'probe' must be a node id");
  if (probeResult !== undefined && !isProbeResult(probeResult)) {
    throw new GossipMessageError("gossip message 'probeResult' must be 'reached', 'unreached' or 'declined'");
  }
  if (probe !== undefined && (replyTo !== undefined || probeResult !== undefined)) {
    throw new GossipMessageError("'probe' belongs in a request, not in an answer");
  }
  if (news !== undefined && news !== true) throw new GossipMessageError("gossip message 'news' must be true when present");
  if (members.length > GOSSIP_LIMITS.members) {
    throw new GossipMessageError(`gossip message has more than ${GOSSIP_LIMITS.members} members`, true);
  }
  const format2 = parseFormat2(digest, want);
  const parsed: GossipDigestEntry[] = [];
  for (const member of members) {
    const entry = parseDigestEntry(member);
    if (entry) parsed.push(entry);
  }
  const message: GossipMessage = {
    from,
    members: parsed,
    ...(sentAt === undefined ? {} : { sentAt }),
    ...(nonce === undefined ? {} : { nonce }),
    ...(replyTo === undefined ? {} : { replyTo }),
    ...(probe === undefined ? {} : { probe }),
    ...(probeResult === undefined ? {} : { probeResult }),
    ...(news === true ? { news } : {}),
    ...(format2.digest ? { digest: format2.digest } : {}),
    ...(format2.want ? { want: format2.want } : {}),
  };
  return { message, dropped: members.length - parsed.length + format2.dropped };
}
