import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { AuthTokenTable } from '../../dist/apps/control-plane/security/auth-token-table';
import { BearerAuthGuard, type RequestLike } from '../../dist/apps/control-plane/security/bearer-auth.guard';
import { routeAccess } from '../../dist/apps/control-plane/security/route-access';
import { tokenDigestKey, tokenDigestKeyByHashObject } from '../../dist/apps/control-plane/security/token-digest';

// The token check's fast paths against their slow twins: the one-call SHA-256 against a Hash object,
// and the guard with the route's rule looked up ahead of time against the guard looking it up.

describe('the token digest', () => {
  it('is the SHA-256 a Hash object computes, for ASCII, non-ASCII and long tokens', () => {
    const tokens = ['bench-worker-token-00000001', 'jeton-à-accents-é-ü-ß-中文-🙂', 'x'.repeat(4096), 'a-long-enough-secret-1'];
    for (const token of tokens) expect(tokenDigestKey(token)).toBe(tokenDigestKeyByHashObject(token));
    // The known digest of a known string: neither twin is trivially wrong.
    expect(tokenDigestKey('abc')).toBe('ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=');
  });
});

describe('the guard with the route rule looked up once', () => {
  const WORKER = 'worker-7-token-000000007-0123456789abcdef';
  const ADMIN = 'admin-token-000000000001-0123456789abcdef';
  const READER = 'reader-token-00000000001-0123456789abcdef';
  const guard = new BearerAuthGuard(
    AuthTokenTable.parse(
      JSON.stringify({
        tokens: [
          { token: WORKER, role: 'worker', subject: 'worker-7' },
          { token: ADMIN, role: 'admin' },
          { token: READER, role: 'reader' },
        ],
      }),
    ),
  );
  const ROUTE = '/control/workers/:workerId/heartbeat';
  const access = routeAccess('POST', ROUTE);

  /** What a call answers: allowed, or the status, body and challenge of its refusal. */
  const outcome = (call: (reply: { header(name: string, value: string): void }) => unknown) => {
    const headers: Record<string, string> = {};
    try {
      return { allowed: call({ header: (name, value) => void (headers[name] = value) }), headers };
    } catch (error) {
      const refusal = error as { getStatus(): number; getResponse(): unknown };
      return { status: refusal.getStatus(), body: refusal.getResponse(), headers };
    }
  };

  it.each([
    ['its own worker', `Bearer ${WORKER}`, 'worker-7', 'allowed'],
    ['another worker', `Bearer ${WORKER}`, 'worker-8', 403],
    ['an admin', `Bearer ${ADMIN}`, 'worker-8', 'allowed'],
    ['a reader', `Bearer ${READER}`, 'worker-7', 403],
    ['an unknown token', 'Bearer unknown-token-0000000000', 'worker-7', 401],
    ['no token', undefined, 'worker-7', 401],
    ['a malformed header', `Basic ${WORKER}`, 'worker-7', 401],
  ])('answers %s as check() does', (_name, authorization, workerId, expected) => {
    const request: RequestLike = {
      method: 'POST',
      url: `/control/workers/${workerId}/heartbeat`,
      routeOptions: { url: ROUTE },
      headers: authorization === undefined ? {} : { authorization },
      params: { workerId },
    };
    const ahead = outcome((reply) => guard.checkRoute(access, request, reply));
    expect('allowed' in ahead ? 'allowed' : ahead.status).toBe(expected);
    expect(ahead).toEqual(outcome((reply) => guard.check(request, reply)));
    // And as Nest's guard call does.
    expect(ahead).toEqual(outcome((reply) => guard.canActivate(new ExecutionContextHost([request, reply]))));
  });
});
