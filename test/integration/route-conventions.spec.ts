import { Controller, Get, Injectable, VersioningType, type CanActivate, type ExecutionContext, type INestApplication } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { PeerHealthModule, PeerLeaseHealthTracker } from '@omnirelay/peer-health';
import { HTTP_PLATFORMS, startPlatformApp, type RunningApp } from '../support/http-app';

const KIT = '/omnirelay/control';

/** A host route, versioned like the rest of the host's API. */
@Controller('orders')
class OrdersController {
  @Get()
  list(): string[] {
    return [];
  }
}

@Injectable()
class BearerGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    return context.switchToHttp().getRequest<{ headers: Record<string, unknown> }>().headers.authorization === 'Bearer ops';
  }
}

describe.each(HTTP_PLATFORMS)('the kit\'s routes in a conventional Nest app, on %s', (platform) => {
  let running: RunningApp<INestApplication> | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  it('stay where they are under URI versioning (version-neutral) and move under a global prefix', async () => {
    running = await startPlatformApp(
      platform,
      { imports: [PeerHealthModule.forRoot({ dashboard: true })], controllers: [OrdersController] },
      (app) => {
        app.setGlobalPrefix('api');
        app.enableVersioning({ type: VersioningType.URI, defaultVersion: '1' });
      },
    );
    running.app.get(PeerLeaseHealthTracker).recordLeaseHeartbeat('worker-1');
    // The host's own route is versioned; the kit's are not.
    expect((await running.get('/api/v1/orders')).status).toBe(200);
    const health = await running.get(`/api${KIT}/lease-health`);
    expect(health.status).toBe(200);
    expect(((await health.json()) as { peers: { peerId: string }[] }).peers.map((p) => p.peerId)).toEqual(['worker-1']);
    expect((await running.get(`/api${KIT}/dashboard`)).status).toBe(200);
    expect((await running.get(`/api/v1${KIT}/lease-health`)).status).toBe(404);
    expect((await running.get(`${KIT}/lease-health`)).status).toBe(404);
  });

  it('serve the dashboard page outside the data guards, and guard it too with guardDashboard', async () => {
    running = await startPlatformApp(platform, { imports: [PeerHealthModule.forRoot({ dashboard: true, guards: [BearerGuard] })] });
    expect((await running.get(`${KIT}/dashboard`)).status).toBe(200);
    expect((await running.get(`${KIT}/lease-health`)).status).toBe(403);
    expect((await fetch(`${running.url}${KIT}/lease-health`, { headers: { authorization: 'Bearer ops' } })).status).toBe(200);
    await running.close();
    running = await startPlatformApp(platform, {
      imports: [PeerHealthModule.forRoot({ dashboard: true, guards: [BearerGuard], guardDashboard: true })],
    });
    expect((await running.get(`${KIT}/dashboard`)).status).toBe(403);
    expect((await fetch(`${running.url}${KIT}/dashboard`, { headers: { authorization: 'Bearer ops' } })).status).toBe(200);
  });

  it('are kept out of a global ThrottlerGuard with skipThrottle, and throttled like any route without it', async () => {
    const throttled = (skipThrottle: boolean) => ({
      imports: [ThrottlerModule.forRoot([{ ttl: 60_000, limit: 3 }]), PeerHealthModule.forRoot({ dashboard: true, skipThrottle })],
      controllers: [OrdersController],
      providers: [{ provide: APP_GUARD, useClass: ThrottlerGuard }],
    });
    const statuses = async (path: string, times: number): Promise<number[]> => {
      const seen: number[] = [];
      for (let i = 0; i < times; i++) seen.push((await (running as RunningApp<INestApplication>).get(path)).status);
      return seen;
    };

    running = await startPlatformApp(platform, throttled(true));
    // The dashboard re-reads every second: ten reads within the throttler's window all pass.
    expect(await statuses(`${KIT}/lease-health`, 10)).toEqual(new Array(10).fill(200));
    expect(await statuses(`${KIT}/dashboard`, 5)).toEqual(new Array(5).fill(200));
    // The guard is real and global: the host's own route is throttled.
    expect(await statuses('/orders', 4)).toEqual([200, 200, 200, 429]);
    await running.close();

    running = await startPlatformApp(platform, throttled(false));
    expect(await statuses(`${KIT}/lease-health`, 4)).toEqual([200, 200, 200, 429]);
  });
});

describe('OpenAPI metadata with @nestjs/swagger installed', () => {
  let running: RunningApp<INestApplication> | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  interface Operation {
    summary?: string;
    parameters?: { name: string; in: string; schema?: Record<string, unknown> }[];
    responses: Record<string, { content?: Record<string, { schema?: { properties?: Record<string, unknown>; required?: string[] } }> }>;
  }
  type Paths = Record<string, { get?: Operation }>;

  it('documents every route: summaries, every query parameter, the wire schema and text/event-stream', async () => {
    running = await startPlatformApp('fastify', { imports: [PeerHealthModule.forRoot({ dashboard: true })], controllers: [OrdersController] });
    const document = SwaggerModule.createDocument(running.app, new DocumentBuilder().setTitle('host').build());
    const paths = document.paths as unknown as Paths;
    const health = paths[`${KIT}/lease-health`]?.get;
    expect(health?.summary).toMatch(/lease health/i);
    expect(health?.parameters?.map((p) => `${p.in}:${p.name}`)).toEqual(
      ['status', 'peerId', 'role', 'label.<key>', 'limit', 'cursor'].map((name) => `query:${name}`),
    );
    expect(health?.parameters?.find((p) => p.name === 'status')?.schema).toMatchObject({ enum: ['healthy', 'unhealthy'] });
    const schema = health?.responses['200']?.content?.['application/json']?.schema;
    expect(schema?.required).toEqual(['peers', 'summary']);
    expect(Object.keys(schema?.properties ?? {})).toEqual(['peers', 'summary']);
    expect(Object.keys(health?.responses ?? {}).sort()).toEqual(['200', '304', '400']);
    const events = paths[`${KIT}/lease-health/events`]?.get;
    expect(events?.summary).toMatch(/Server-Sent Events/);
    expect(Object.keys(events?.responses['200']?.content ?? {})).toEqual(['text/event-stream']);
    expect(paths[`${KIT}/dashboard`]?.get?.summary).toMatch(/dashboard/i);
    // The host's own route is there too, untouched.
    expect(paths['/orders']?.get).toBeDefined();
  });

  it('leaves the kit\'s routes out of the document with openApi: false', async () => {
    running = await startPlatformApp('fastify', {
      imports: [PeerHealthModule.forRoot({ dashboard: true, openApi: false })],
      controllers: [OrdersController],
    });
    const paths = Object.keys(SwaggerModule.createDocument(running.app, new DocumentBuilder().build()).paths);
    expect(paths).toEqual(['/orders']);
    // Still served.
    expect((await running.get(`${KIT}/lease-health`)).status).toBe(200);
  });
});
