import { parseWireDate, type LeaseHealthPeer } from './lease-health-document';
import { formatAge, printable } from './peer-table';

/** A `transition` event of the lease-health stream, as `watch` uses it. */
export interface StreamedTransition {
  readonly peerId: string;
  /** healthy, unhealthy or evicted. */
  readonly to: string;
  /** The kit's transition reason: heartbeat, assignment, release, disconnect, heartbeat-expired, retention. */
  readonly reason: string;
}

const MAX_ID_LENGTH = 512;
const MAX_REASON_LENGTH = 64;

/**
 * One Server-Sent Events block (the lines between blank lines): undefined when it is no event (a
 * comment, `retry:`), else the event, with its transition when it is a well-formed `transition`.
 * The stream is untrusted: anything else in a transition's data is ignored, never thrown.
 */
export function parseEventBlock(block: string): { readonly transition?: StreamedTransition } | undefined {
  let type: string | undefined;
  const data: string[] = [];
  for (const line of block.split(/\r?\n/)) {
    if (line.startsWith('event:')) type = line.slice('event:'.length).trim();
    else if (line.startsWith('data:')) data.push(line.slice('data:'.length).replace(/^ /, ''));
  }
  if (type === undefined) return undefined;
  if (type !== 'transition') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(data.join('\n'));
  } catch {
    return {};
  }
  if (typeof parsed !== 'object' || parsed === null) return {};
  const { peerId, to, reason } = parsed as Partial<Record<'peerId' | 'to' | 'reason', unknown>>;
  if (typeof peerId !== 'string' || peerId.length > MAX_ID_LENGTH || typeof to !== 'string' || typeof reason !== 'string') return {};
  if (to.length > MAX_REASON_LENGTH || reason.length > MAX_REASON_LENGTH) return {};
  return { transition: { peerId, to: printable(to), reason: printable(reason) } };
}

/** The stream's name for a status the table shows. */
const STREAM_STATUS: Readonly<Record<string, string>> = { healthy: 'healthy', UNHEALTHY: 'unhealthy', gone: 'evicted' };

/**
 * Why a peer's status changed, for `watch`'s change line: the streamed transition's reason when the
 * stream reported this very change (a disconnect names the recorded disconnect reason); without the
 * stream, an unhealthy peer's recorded disconnect reason when the disconnect is its latest news, else
 * the age of its last heartbeat. Undefined when nothing says why (a polled recovery, a new peer).
 */
export function transitionReason(
  to: 'healthy' | 'UNHEALTHY' | 'gone',
  peer: LeaseHealthPeer | undefined,
  streamed: StreamedTransition | undefined,
  nowMs: number,
): string | undefined {
  const recorded = peer?.metadata['disconnect.reason'];
  if (streamed !== undefined && streamed.to === STREAM_STATUS[to]) {
    return streamed.reason === 'disconnect' && recorded !== undefined ? recorded : streamed.reason;
  }
  if (to !== 'UNHEALTHY' || peer === undefined) return undefined;
  const disconnectedAt = peer.lastDisconnect === undefined ? null : parseWireDate(peer.lastDisconnect);
  const heartbeatAt = parseWireDate(peer.lastHeartbeat);
  const disconnectIsLatest = disconnectedAt === null || heartbeatAt === null || disconnectedAt >= heartbeatAt;
  if (recorded !== undefined && disconnectIsLatest) return recorded;
  return `last heartbeat ${formatAge(peer.lastHeartbeat, nowMs)}`;
}
