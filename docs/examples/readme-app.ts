import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { GOSSIP_LEFT_REASON, PeerHealthModule, PeerLeaseHealthTracker } from '@omnirelay/peer-health';

@Injectable()
export class GossipAgent {
  constructor(private readonly tracker: PeerLeaseHealthTracker) {}

  onAlive(id: string): void {
    this.tracker.recordLeaseHeartbeat(id);
  }

  onLeft(id: string): void {
    this.tracker.recordDisconnect(id, GOSSIP_LEFT_REASON);
  }
}

@Module({
  imports: [PrometheusModule.register(), PeerHealthModule.forRoot({ heartbeatGracePeriodMs: 10_000 })],
  providers: [GossipAgent],
})
export class AppModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create(AppModule, new FastifyAdapter(), { logger: ['error', 'warn'] });
  await app.listen(0, '127.0.0.1');
  const agent = app.get(GossipAgent);
  agent.onAlive('node-1');
  agent.onAlive('node-2');
  agent.onLeft('node-2');
  const response = await fetch(`${await app.getUrl()}/omnirelay/control/lease-health`);
  console.log(await response.text());
  await app.close();
}

void main();
