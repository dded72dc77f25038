import { createHmac, randomBytes } from 'node:crypto';

/**
 * A gossip message signed with a cluster key by an independent implementation of the documented
 * envelope (docs/security.md): `{ v: 1, payload, mac }`, as any node holding the key could write
 * it. `extra` adds fields to the payload (a format 2 `digest`, a `want`).
 */
export function signedGossip(key: Buffer, from: string, members: readonly object[], sentAt = Date.now(), extra: Record<string, unknown> = {}): string {
  const payload = JSON.stringify({ from, sentAt, nonce: randomBytes(18).toString('base64url'), ...extra, members });
  const mac = createHmac('sha256', key).update(`omnirelay-gossip/1\n${payload}`).digest('base64url');
  return JSON.stringify({ v: 1, payload, mac });
}

/** POSTs a gossip body to a host; the status and the JSON answer. */
export async function postGossip(url: string, body: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${url}/control/gossip`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}
