import { BadRequestException } from '@nestjs/common';
import type { PeerLeaseHealthSnapshot } from '../base/interfaces/peer-lease-health-snapshot.interface';

const ALLOWED = ['status', 'peerId'] as const;

function badRequest(message: string): BadRequestException {
  return new BadRequestException({ statusCode: 400, error: 'Bad Request', message });
}

/**
 * Optional filters of the endpoint: `status=healthy|unhealthy` and `peerId=<id>`, where the id may
 * be as long as the tracker accepts (`maxPeerIdLength`). Anything else, a repeated parameter or a
 * bad value is a 400 with a JSON body. Returns undefined without filters.
 */
export function parseLeaseHealthQuery(
  query: unknown,
  maxPeerIdLength: number,
): ((peer: PeerLeaseHealthSnapshot) => boolean) | undefined {
  if (typeof query !== 'object' || query === null) return undefined;
  const params = query as Record<string, unknown>;
  const names = Object.keys(params);
  if (names.length === 0) return undefined;
  for (const name of names) {
    if (!(ALLOWED as readonly string[]).includes(name)) {
      throw badRequest(`Unknown query parameter '${name}'; allowed: ${ALLOWED.join(', ')}`);
    }
    if (typeof params[name] !== 'string') throw badRequest(`Query parameter '${name}' must be given once`);
  }
  const status = params['status'];
  if (status !== undefined && status !== 'healthy' && status !== 'unhealthy') {
    throw badRequest(`Query parameter 'status' must be 'healthy' or 'unhealthy'`);
  }
  const peerId = params['peerId'];
  if (typeof peerId === 'string' && (peerId.trim().length === 0 || peerId.length > maxPeerIdLength)) {
    throw badRequest(`Query parameter 'peerId' must be a non-blank string of at most ${maxPeerIdLength} characters`);
  }
  const healthy = status === undefined ? undefined : status === 'healthy';
  return (peer) => (healthy === undefined || peer.isHealthy === healthy) && (peerId === undefined || peer.peerId === peerId);
}
