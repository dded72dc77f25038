// The host the heartbeat benchmark measures: Nest on Fastify with the kit (telemetry on), the
// dispatcher, and the host's bearer guard with one worker token per worker; `--workers` workers
// each hold `--leases` leases. Beside it, a bare Fastify POST route answering 204. Prints "ready <port>".
import 'reflect-metadata';
import { resolve } from 'node:path';
import { Module, type Type } from '@nestjs/common';
import { APP_GUARD, NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { PeerHealthModule } from '@omnirelay/peer-health';
import { ResourceLeaseModule, ResourceLeaseQueue } from '@omnirelay/resource-lease';
import type { AuthTokenTable as AuthTokenTableClass } from '../../dist/apps/control-plane/security/auth-token-table';
import { workerToken } from './worker-tokens';

// The host's own guard and token table, from its build (dist/apps/control-plane).
const security = (file: string): Promise<unknown> => import(resolve(__dirname, '../../apps/control-plane/security', file));

const arg = (name: string, fallback: number): number => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};

async function main(): Promise<void> {
  const { AuthTokenTable } = (await security('auth-token-table.js')) as { AuthTokenTable: typeof AuthTokenTableClass };
  const { BearerAuthGuard } = (await security('bearer-auth.guard.js')) as { BearerAuthGuard: Type };
  const { AUTH_TOKEN_TABLE } = (await security('auth-tokens.constants.js')) as { AUTH_TOKEN_TABLE: symbol };
  // The host's fast answer of the body-less heartbeat (roles/dispatcher/worker-heartbeat.hook.ts).
  const { WorkerHeartbeatHook } = (await import(resolve(__dirname, '../../apps/control-plane/roles/dispatcher/worker-heartbeat.hook.js'))) as { WorkerHeartbeatHook: Type };
  const { FastPathContext } = (await import(resolve(__dirname, '../../apps/control-plane/roles/dispatcher/fast-path-context.js'))) as { FastPathContext: Type };
  const workers = arg('workers', 10_000);
  const leases = arg('leases', 4);
  const tokens = AuthTokenTable.parse(
    JSON.stringify({
      tokens: Array.from({ length: workers }, (_, i) => ({ token: workerToken(i), role: 'worker', subject: `worker-${i}` })),
    }),
  );

  @Module({
    imports: [
      PeerHealthModule.forRoot({ heartbeatGracePeriodMs: 60_000 }),
      ResourceLeaseModule.forRoot({ leaseDurationMs: 600_000, maxQueuedItems: workers * leases + 1 }),
    ],
    providers: [
      { provide: AUTH_TOKEN_TABLE, useValue: tokens },
      { provide: APP_GUARD, useClass: BearerAuthGuard },
      FastPathContext,
      WorkerHeartbeatHook,
    ],
  })
  class HeartbeatBenchModule {}

  const app = await NestFactory.create<NestFastifyApplication>(HeartbeatBenchModule, new FastifyAdapter(), { logger: ['error'] });
  const queue = app.get(ResourceLeaseQueue);
  for (let i = 0; i < workers * leases; i++) await queue.enqueue({ resourceType: 'bench', resourceId: `item-${i}` });
  for (let i = 0; i < workers; i++) for (let k = 0; k < leases; k++) await queue.lease(`worker-${i}`);

  const fastify = app.getHttpAdapter().getInstance();
  fastify.post('/bare/workers/:workerId/heartbeat', (_request, reply) => {
    void reply.code(204).send();
  });
  fastify.get('/bench/stats', async () => queue.stats());
  // The host's CPU time so far (user + system, µs): CPU per request holds up on a loaded machine, requests/s does not.
  fastify.get('/bench/cpu', (_request, reply) => {
    const usage = process.cpuUsage();
    void reply.send({ micros: usage.user + usage.system });
  });
  await app.listen(0, '127.0.0.1');
  const address: unknown = app.getHttpServer().address();
  const port = typeof address === 'object' && address !== null && 'port' in address ? Number(address.port) : 0;
  // Exit normally on SIGTERM, so that --cpu-prof can write its profile.
  process.once('SIGTERM', () => process.exit(0));
  process.stdout.write(`ready ${port}\n`);
}

void main();
