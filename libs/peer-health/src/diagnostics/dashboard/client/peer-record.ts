import { NEVER_WIRE_DATE } from '../../../base/never-wire-date';
import { asObject, field } from './wire';

/** A peer of `lease-health` as the wire gave it (untrusted: fields are checked where they are used). */
export type WirePeer = Record<string, unknown>;

/** One compact record per peer, made once when its page is parsed. */
export interface PeerRecord {
  readonly id: string;
  /** Position in peerId order (the order of the pages). */
  readonly ord: number;
  healthy: boolean;
  readonly role: string;
  readonly region: string;
  readonly reason: string;
  readonly leases: number;
  readonly pending: number;
  /** Last heartbeat, epoch ms; null for never (NaN when the wire date is unreadable). */
  readonly hb: number | null;
  /** Lower-case search text. */
  readonly hay: string;
  /** Bumped whenever an event changes the record, so its row is redrawn. */
  ver: number;
  /** Evicted since it was read. */
  gone: boolean;
  readonly peer: WirePeer;
}

/** A metadata value of the peer, '' unless it is a string. */
export function meta(p: WirePeer, key: string): string {
  const v = field(p.metadata, key);
  return typeof v === 'string' ? v : '';
}

function time(s: unknown): number | null {
  return s === NEVER_WIRE_DATE ? null : Date.parse(String(s));
}

/** The record of a peer read from the wire. */
export function toRecord(value: unknown, ord: number): PeerRecord {
  const p: WirePeer = asObject(value) ?? {};
  const role = meta(p, 'mesh.role');
  const region = meta(p, 'mesh.region');
  return {
    id: String(p.peerId),
    ord,
    healthy: p.isHealthy === true,
    role,
    region,
    reason: meta(p, 'disconnect.reason'),
    leases: Number(p.activeAssignments) || 0,
    pending: Number(p.pendingReassignments) || 0,
    hb: time(p.lastHeartbeat),
    hay: `${String(p.peerId)} ${role} ${region}`.toLowerCase(),
    ver: 0,
    gone: false,
    peer: p,
  };
}
