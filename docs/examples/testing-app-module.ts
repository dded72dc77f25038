import { Module } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import {
  ManualClock,
  PEER_HEALTH_MODULE_OPTIONS,
  PeerHealthModule,
  PeerLeaseHealthTracker,
  type PeerHealthModuleOptions,
} from '@omnirelay/peer-health';

// The application's real root module, as main.ts boots it.
@Module({ imports: [PeerHealthModule.forRoot({ heartbeatGracePeriodMs: 10_000 })] })
export class AppModule {}

async function main(): Promise<void> {
  const clock = new ManualClock(Date.UTC(2026, 10, 24));
  // The token holds the whole options object: repeat what the app sets, and add the test's clock.
  const options: PeerHealthModuleOptions = { heartbeatGracePeriodMs: 10_000, clock, telemetry: { enabled: false } };
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
    .overrideProvider(PEER_HEALTH_MODULE_OPTIONS)
    .useValue(options)
    .compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: ['error', 'warn'] });
  await app.listen(0, '127.0.0.1');
  const url = `${await app.getUrl()}/omnirelay/control/lease-health`;
  const healthy = async (): Promise<boolean | undefined> =>
    ((await (await fetch(url)).json()) as { peers: { isHealthy: boolean }[] }).peers[0]?.isHealthy;

  app.get(PeerLeaseHealthTracker).recordLeaseHeartbeat('worker-1');
  clock.advance(10_000);
  console.log(`after 10000 ms: healthy ${String(await healthy())}`);
  clock.advance(1); // no waiting: the test's clock moves, and the peer's deadline passes inside advance()
  console.log(`after 10001 ms: healthy ${String(await healthy())}`);
  await app.close();
}

void main();
