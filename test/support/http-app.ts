import type { INestApplication, ModuleMetadata } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';

export interface RunningApp<App extends INestApplication = NestFastifyApplication> {
  readonly app: App;
  readonly url: string;
  get(path: string): Promise<Response>;
  close(): Promise<void>;
}

/** The HTTP platforms the kit supports: Fastify (the repo's) and Nest's default, Express. */
export const HTTP_PLATFORMS = ['fastify', 'express'] as const;
export type HttpPlatform = (typeof HTTP_PLATFORMS)[number];

/** Boots `metadata` as a real Fastify server on 127.0.0.1 with a free port. */
export async function startHttpApp(
  metadata: ModuleMetadata,
  configure: (app: NestFastifyApplication) => void = () => undefined,
): Promise<RunningApp> {
  const moduleRef = await Test.createTestingModule(metadata).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
  configure(app);
  return listen(app);
}

/** Boots `metadata` as a real server of the given platform on 127.0.0.1 with a free port. */
export async function startPlatformApp(
  platform: HttpPlatform,
  metadata: ModuleMetadata,
  configure: (app: INestApplication) => void = () => undefined,
): Promise<RunningApp<INestApplication>> {
  const moduleRef = await Test.createTestingModule(metadata).compile();
  const adapter = platform === 'fastify' ? new FastifyAdapter() : new ExpressAdapter();
  const app = moduleRef.createNestApplication(adapter, { logger: false });
  configure(app);
  return listen(app);
}

async function listen<App extends INestApplication>(app: App): Promise<RunningApp<App>> {
  await app.listen(0, '127.0.0.1');
  const server = app.getHttpServer() as { address(): { port: number } | string | null };
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('server has no TCP address');
  const url = `http://127.0.0.1:${address.port}`;
  return {
    app,
    url,
    get: (path: string) => fetch(`${url}${path}`),
    close: () => app.close(),
  };
}
