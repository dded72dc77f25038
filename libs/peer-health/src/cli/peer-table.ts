import { parseWireDate, type LeaseHealthDocument, type LeaseHealthPeer } from './lease-health-document';
import { compareOrdinal } from '../base/ordering';

/** Epoch ms of the last heartbeat; -Infinity for "never", so it sorts as the oldest. */
function heartbeatMs(peer: LeaseHealthPeer): number {
  return parseWireDate(peer.lastHeartbeat) ?? Number.NEGATIVE_INFINITY;
}

/**
 * The peers an operator should look at first come first: unhealthy, then more pending
 * reassignments, then the stalest heartbeat ("never" is stalest), then peerId. Comparing heartbeat
 * times rather than ages keeps the order independent of when it is computed.
 */
export function rankPeers(peers: readonly LeaseHealthPeer[]): LeaseHealthPeer[] {
  return [...peers].sort(
    (a, b) =>
      Number(a.isHealthy) - Number(b.isHealthy) ||
      b.pendingReassignments - a.pendingReassignments ||
      compareHeartbeats(a, b) ||
      compareOrdinal(a.peerId, b.peerId),
  );
}

function compareHeartbeats(a: LeaseHealthPeer, b: LeaseHealthPeer): number {
  const left = heartbeatMs(a);
  const right = heartbeatMs(b);
  return left < right ? -1 : left > right ? 1 : 0;
}

export function statusOf(peer: LeaseHealthPeer): 'healthy' | 'UNHEALTHY' {
  return peer.isHealthy ? 'healthy' : 'UNHEALTHY';
}

/** How long ago a wire date was, e.g. "1.2s ago", "3m ago", "never". */
export function formatAge(wireDate: string, nowMs: number): string {
  const at = parseWireDate(wireDate);
  if (at === null) return 'never';
  const age = nowMs - at;
  // A date ahead of this machine's clock means clock skew; say so rather than print a negative age.
  return age < 0 ? `in ${formatDuration(-age)}` : `${formatDuration(age)} ago`;
}

function formatDuration(ms: number): string {
  // Floored, so 59.99 s reads "59.9s" rather than rounding up to "60.0s".
  if (ms < 60_000) return `${(Math.floor(ms / 100) / 10).toFixed(1)}s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)}m`;
  if (ms < 172_800_000) return `${Math.floor(ms / 3_600_000)}h`;
  return `${Math.floor(ms / 86_400_000)}d`;
}

/**
 * Server-supplied text with control characters escaped, so a peer id or metadata value cannot move
 * the cursor, recolour the terminal or break the table's lines.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function roleRegion(peer: LeaseHealthPeer): string {
  const role = peer.metadata['mesh.role'];
  const region = peer.metadata['mesh.region'];
  if (role === undefined && region === undefined) return '-';
  return `${role ?? '-'}/${region ?? '-'}`;
}

interface Column {
  readonly header: string;
  readonly alignRight?: boolean;
  readonly cell: (peer: LeaseHealthPeer, nowMs: number) => string;
}

const COLUMNS: readonly Column[] = [
  { header: 'PEER', cell: (p) => p.peerId },
  { header: 'STATUS', cell: (p) => statusOf(p) },
  { header: 'LEASES', alignRight: true, cell: (p) => String(p.activeAssignments) },
  { header: 'PENDING', alignRight: true, cell: (p) => String(p.pendingReassignments) },
  { header: 'LAST HEARTBEAT', cell: (p, now) => formatAge(p.lastHeartbeat, now) },
  { header: 'DISCONNECT', cell: (p) => p.metadata['disconnect.reason'] ?? '-' },
  { header: 'ROLE/REGION', cell: (p) => roleRegion(p) },
];

/** "N peers: E eligible, U unhealthy, P pending reassignments", the counts as the server summarised them. */
export function renderSummary(document: LeaseHealthDocument): string {
  const { summary } = document;
  return (
    `${document.peers.length} peers: ${summary.eligiblePeers} eligible, ${summary.unhealthyPeers} unhealthy, ` +
    `${summary.pendingReassignments} pending reassignments`
  );
}

/** The status `--status` selects; undefined shows every peer. */
export type PeerStatusFilter = 'healthy' | 'unhealthy' | undefined;

/** The ranked peers that have the status asked for (all of them without one). */
export function selectPeers(peers: readonly LeaseHealthPeer[], status: PeerStatusFilter): LeaseHealthPeer[] {
  const ranked = rankPeers(peers);
  return status === undefined ? ranked : ranked.filter((peer) => peer.isHealthy === (status === 'healthy'));
}

/**
 * The ranked table (only the peers with `status`, when given) and the summary line, each line ending
 * in "\n". The summary line always counts the whole document, so a filtered table keeps its context.
 */
export function renderPeerTable(document: LeaseHealthDocument, nowMs: number, status?: PeerStatusFilter): string {
  const peers = selectPeers(document.peers, status);
  if (peers.length === 0) return `No ${status === undefined ? '' : `${status} `}peers.\n${renderSummary(document)}\n`;
  const rows = [COLUMNS.map((c) => c.header), ...peers.map((p) => COLUMNS.map((c) => printable(c.cell(p, nowMs))))];
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  const lines = rows.map((row) =>
    row
      .map((text, i) => {
        const width = widths[i] ?? 0;
        return COLUMNS[i]?.alignRight ? text.padStart(width) : text.padEnd(width);
      })
      .join('  ')
      .trimEnd(),
  );
  return `${lines.join('\n')}\n${renderSummary(document)}\n`;
}

/** Every field of one peer, metadata sorted by key, each line ending in "\n". */
export function renderPeerDetails(peer: LeaseHealthPeer, nowMs: number): string {
  const fields: [string, string][] = [
    ['peerId', peer.peerId],
    ['status', statusOf(peer)],
    ['lastHeartbeat', `${peer.lastHeartbeat} (${formatAge(peer.lastHeartbeat, nowMs)})`],
  ];
  if (peer.lastDisconnect !== undefined) {
    fields.push(['lastDisconnect', `${peer.lastDisconnect} (${formatAge(peer.lastDisconnect, nowMs)})`]);
  }
  fields.push(
    ['activeAssignments', String(peer.activeAssignments)],
    ['pendingReassignments', String(peer.pendingReassignments)],
    ['activeLeases', String(peer.activeLeases.length)],
  );
  const width = Math.max(...fields.map(([name]) => name.length), 'metadata'.length);
  const line = (name: string, value: string): string => `${name.padEnd(width)}  ${printable(value)}\n`;
  let text = fields.map(([name, value]) => line(name, value)).join('');
  for (const lease of peer.activeLeases) {
    text += `  sequenceId=${lease.sequenceId} attempt=${lease.attempt} leaseId=${printable(lease.leaseId)}\n`;
  }
  const keys = Object.keys(peer.metadata).sort(compareOrdinal);
  text += line('metadata', String(keys.length));
  for (const key of keys) {
    text += `  ${printable(key)}=${printable(peer.metadata[key] ?? '')}\n`;
  }
  return text;
}
