import { Controller, Get, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PeerHealthDiagnosticsService, PeerHealthModule } from '@omnirelay/peer-health';
import { ResourceLeaseModule } from '@omnirelay/resource-lease';
import { AUTH_TOKEN_TABLE } from '../../dist/apps/control-plane/security/auth-tokens.constants';
import { AuthTokenTable } from '../../dist/apps/control-plane/security/auth-token-table';
import { BearerAuthGuard } from '../../dist/apps/control-plane/security/bearer-auth.guard';
import { notModifiedAuthorizer } from '../../dist/apps/control-plane/security/not-modified-authorizer';
import { startHttpApp, type RunningApp } from '../support/http-app';

const LEASE_HEALTH = '/omnirelay/control/lease-health';

/** A user's guard: the request must carry `x-api-key: open-sesame`. */
@Injectable()
class ApiKeyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    return context.switchToHttp().getRequest<{ headers: Record<string, unknown> }>().headers['x-api-key'] === 'open-sesame';
  }
}

@Controller('public')
class PublicController {
  @Get()
  hello(): { hello: string } {
    return { hello: 'world' };
  }
}

const withKey = { headers: { 'x-api-key': 'open-sesame' } };

describe('the kit endpoint under guards', () => {
  let running: RunningApp | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  it('honours the host\'s global guards', async () => {
    running = await startHttpApp({
      imports: [PeerHealthModule.forRoot()],
      providers: [{ provide: APP_GUARD, useClass: ApiKeyGuard }],
    });
    expect((await fetch(`${running.url}${LEASE_HEALTH}`)).status).toBe(403);
    expect((await fetch(`${running.url}${LEASE_HEALTH}`, withKey)).status).toBe(200);
  });

  it('forRoot({ guards }) protects the kit\'s routes only', async () => {
    running = await startHttpApp({
      imports: [PeerHealthModule.forRoot({ guards: [ApiKeyGuard], pathPrefix: '/ops' })],
      controllers: [PublicController],
    });
    expect((await fetch(`${running.url}/ops/lease-health`)).status).toBe(403);
    const allowed = await fetch(`${running.url}/ops/lease-health`, withKey);
    expect(allowed.status).toBe(200);
    expect(await allowed.json()).toEqual({ peers: [], summary: { eligiblePeers: 0, unhealthyPeers: 0, pendingReassignments: 0 } });
    expect((await fetch(`${running.url}/public`)).status).toBe(200);
  });

  it('forRoot({ guards }) takes guard instances too', async () => {
    running = await startHttpApp({ imports: [PeerHealthModule.forRoot({ guards: [new ApiKeyGuard()] })] });
    expect((await fetch(`${running.url}${LEASE_HEALTH}`)).status).toBe(403);
    expect((await fetch(`${running.url}${LEASE_HEALTH}`, withKey)).status).toBe(200);
  });
});

describe('the 304 shortcut under guards (it runs before them, on Fastify)', () => {
  let running: RunningApp | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  /** A conditional GET naming the ETag the endpoint would answer now, with the given headers. */
  const conditional = (headers: Record<string, string> = {}) => {
    const etag = running?.app.get(PeerHealthDiagnosticsService).currentEtag();
    if (etag === undefined) throw new Error('the endpoint has no ETag');
    return fetch(`${running?.url ?? ''}${LEASE_HEALTH}`, { headers: { 'if-none-match': etag, ...headers } });
  };

  it('tells a stranger nothing when global guards protect the route: the guard answers, and the route still answers 304 to a caller it lets through', async () => {
    running = await startHttpApp({ imports: [PeerHealthModule.forRoot()], providers: [{ provide: APP_GUARD, useClass: ApiKeyGuard }] });
    expect((await conditional()).status).toBe(403);
    expect((await conditional(withKey.headers)).status).toBe(304);
  });

  it('tells a stranger nothing when forRoot({ guards }) protects the route', async () => {
    running = await startHttpApp({ imports: [PeerHealthModule.forRoot({ guards: [ApiKeyGuard] })] });
    expect((await conditional()).status).toBe(403);
    expect((await conditional(withKey.headers)).status).toBe(304);
  });

  it('answers from the shortcut only what notModifiedAuthorizer accepts; the rest goes to the guards, and a throwing authorizer says no', async () => {
    let asked = 0;
    running = await startHttpApp({
      imports: [
        PeerHealthModule.forRoot({
          guards: [ApiKeyGuard],
          notModifiedAuthorizer: (headers) => {
            asked++;
            if (headers['x-explode'] !== undefined) throw new Error('authorizer failed');
            return headers['x-api-key'] === 'open-sesame';
          },
        }),
      ],
    });
    expect((await conditional(withKey.headers)).status).toBe(304);
    expect((await conditional()).status).toBe(403);
    expect((await conditional({ 'x-explode': '1' })).status).toBe(403);
    expect(asked).toBe(3);
  });
});

describe('the host\'s bearer guard in front of the dispatcher', () => {
  const tokens = {
    admin: 'admin-token-000000000001-0123456789abcdef',
    reader: 'reader-token-00000000001-0123456789abcdef',
    w1: 'worker-1-token-000000001-0123456789abcdef',
    w2: 'worker-2-token-000000001-0123456789abcdef',
  };
  let running: RunningApp;
  const call = async (method: string, path: string, token: string | undefined, body?: unknown) => {
    const response = await fetch(`${running.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };

  beforeAll(async () => {
    const table = AuthTokenTable.parse(
      JSON.stringify({
        tokens: [
          { token: tokens.admin, role: 'admin' },
          { token: tokens.reader, role: 'reader' },
          { token: tokens.w1, role: 'worker', subject: 'worker-1' },
          { token: tokens.w2, role: 'worker', subject: 'worker-2' },
        ],
      }),
    );
    running = await startHttpApp({
      imports: [PeerHealthModule.forRoot({ heartbeatGracePeriodMs: 60_000 }), ResourceLeaseModule.forRoot({ leaseDurationMs: 60_000 })],
      providers: [
        { provide: AUTH_TOKEN_TABLE, useValue: table },
        { provide: APP_GUARD, useClass: BearerAuthGuard },
      ],
    });
  });
  afterAll(async () => {
    await running.close();
  });

  it('refuses hijacking another worker\'s lease with 403, lets the holder finish it, and completes it once', async () => {
    expect((await call('POST', '/control/work', tokens.admin, { resourceType: 'a', resourceId: '1' })).status).toBe(201);
    const leased = await call('POST', '/control/leases', tokens.w1, { workerId: 'worker-1' });
    expect(leased.status).toBe(200);
    const leaseId = String(leased.body['leaseId']);
    const reference = { workerId: 'worker-1', sequenceId: 1, attempt: 1 };

    const hijack = await call('POST', `/control/leases/${leaseId}/complete`, tokens.w2, reference);
    expect(hijack).toMatchObject({ status: 403, body: { error: 'forbidden' } });
    const ownIdHijack = await call('POST', `/control/leases/${leaseId}/heartbeat`, tokens.w2, { ...reference, workerId: 'worker-2' });
    expect(ownIdHijack.status).toBe(403);
    expect((await call('POST', `/control/leases/${leaseId}/complete`, undefined, reference)).status).toBe(401);
    expect((await call('POST', `/control/leases/${leaseId}/complete`, tokens.reader, reference)).status).toBe(403);

    expect((await call('POST', `/control/leases/${leaseId}/complete`, tokens.w1, reference)).status).toBe(200);
    // The holder asking again (it lost the answer) is told 200 again; nothing is recorded twice.
    expect((await call('POST', `/control/leases/${leaseId}/complete`, tokens.w1, reference)).status).toBe(200);
    const item = await call('GET', '/control/work/1', tokens.reader);
    expect(item.body).toMatchObject({ state: 'completed', completedBy: 'worker-1', holders: ['worker-1'] });
    expect((await call('GET', '/control/work', tokens.reader)).body).toMatchObject({ total: 1, completed: 1 });
  });

  it('lets an admin act for any worker', async () => {
    await call('POST', '/control/work', tokens.admin, { resourceType: 'a', resourceId: '2' });
    const leased = await call('POST', '/control/leases', tokens.admin, { workerId: 'worker-2' });
    expect(leased.status).toBe(200);
    const done = await call('POST', `/control/leases/${String(leased.body['leaseId'])}/complete`, tokens.admin, {
      workerId: 'worker-2',
      sequenceId: leased.body['sequenceId'],
      attempt: 1,
    });
    expect(done.status).toBe(200);
  });
});

describe('the host\'s 304 shortcut authorizer', () => {
  it('answers 304 early only to a token that may read lease-health; no token is 401, a worker token 403, as without the shortcut', async () => {
    const reader = 'reader-token-00000000001-0123456789abcdef';
    const worker = 'worker-1-token-000000001-0123456789abcdef';
    const table = AuthTokenTable.parse(
      JSON.stringify({ tokens: [{ token: reader, role: 'reader' }, { token: worker, role: 'worker', subject: 'worker-1' }] }),
    );
    const running = await startHttpApp({
      imports: [PeerHealthModule.forRoot({ notModifiedAuthorizer: notModifiedAuthorizer(table) })],
      providers: [
        { provide: AUTH_TOKEN_TABLE, useValue: table },
        { provide: APP_GUARD, useClass: BearerAuthGuard },
      ],
    });
    try {
      const etag = running.app.get(PeerHealthDiagnosticsService).currentEtag() ?? '';
      const conditional = (token?: string) =>
        fetch(`${running.url}${LEASE_HEALTH}`, { headers: { 'if-none-match': etag, ...(token ? { authorization: `Bearer ${token}` } : {}) } });
      expect((await conditional()).status).toBe(401);
      expect((await conditional('not-a-known-token-0000000')).status).toBe(401);
      expect((await conditional(worker)).status).toBe(403);
      expect((await conditional(reader)).status).toBe(304);
      // Open (no tokens table, the loopback demo): the shortcut answers everyone.
      expect(notModifiedAuthorizer(null)({})).toBe(true);
    } finally {
      await running.close();
    }
  });
});
