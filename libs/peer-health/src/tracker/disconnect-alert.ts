import type { PeerHealthAlert } from '../base/interfaces/peer-health-alert.interface';

/** The alert a disconnect raises; `label` is the reason as kept in metadata ('' when none). */
export function disconnectAlert(peerId: string, label: string, at: number): PeerHealthAlert {
  return {
    name: 'peer_disconnect',
    severity: 'warning',
    message: `Peer ${peerId} disconnected${label ? `: ${label}` : ''}`,
    attributes: Object.freeze({ 'peer.id': peerId, reason: label || 'unspecified' }),
    at,
  };
}
