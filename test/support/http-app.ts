import type { ModuleMetadata } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';

export interface RunningApp {
  readonly app: NestFastifyApplication;
  readonly url: string;
  get(path: string): Promise<Response>;
  close(): Promise<void>;
}

/** Boots `metadata` as a real Fastify server on 127.0.0.1 with a free port. */
export async function startHttpApp(
  metadata: ModuleMetadata,
  configure: (app: NestFastifyApplication) => void = () => undefined,
): Promise<RunningApp> {
  const moduleRef = await Test.createTestingModule(metadata).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
  configure(app);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  if (address === null || typeof address === 'string') throw new Error('server has no TCP address');
  const url = `http://127.0.0.1:${address.port}`;
  return {
    app,
    url,
    get: (path: string) => fetch(`${url}${path}`),
    close: () => app.close(),
  };
}
