import { type PeerRecord } from './peer-record';

/** How long ago a heartbeat was, for a person: `4.2s`, `3m`, `2h`, or `never`. */
export function ageText(hb: number | null, now: number): string {
  if (hb === null || Number.isNaN(hb)) return 'never';
  const s = Math.max(0, (now - hb) / 1000);
  return s < 60 ? `${s.toFixed(1)}s` : s < 3600 ? `${Math.floor(s / 60)}m` : `${Math.floor(s / 3600)}h`;
}

/** The status a row shows and filters on. */
export function statusOf(r: PeerRecord): 'healthy' | 'unhealthy' {
  return r.healthy ? 'healthy' : 'unhealthy';
}

/** Why a peer is unhealthy: its disconnect reason, else what the wire tells. */
export function reasonText(r: PeerRecord): string {
  return r.healthy ? '-' : r.reason || (r.peer.lastDisconnect ? 'disconnected' : 'heartbeat expired');
}

/** The `HH:mm:ss` of a wire date, for the timeline. */
export function clockOf(at: unknown): string {
  return String(at).slice(11, 19);
}
