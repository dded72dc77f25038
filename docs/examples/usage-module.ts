import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { PeerHealthModule, PeerLeaseHealthTracker } from '@omnirelay/peer-health';

@Module({
  imports: [
    PrometheusModule.register(), // optional: serves /metrics
    PeerHealthModule.forRoot({ heartbeatGracePeriodMs: 10_000 }),
  ],
})
export class AppModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create(AppModule, new FastifyAdapter(), { logger: ['error', 'warn'] });
  await app.listen(0, '127.0.0.1');
  app.get(PeerLeaseHealthTracker).recordLeaseHeartbeat('worker-1');

  const base = await app.getUrl();
  const health = await fetch(`${base}/omnirelay/control/lease-health`);
  console.log(health.headers.get('content-type'));
  console.log(await health.text());
  const metrics = await (await fetch(`${base}/metrics`)).text();
  console.log(metrics.split('\n').find((line) => line.startsWith('omnirelay_peer_lease_healthy ')));
  await app.close();
}

void main();
