import { Controller, Get, Header, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { PeerHealthDiagnosticsService, PeerHealthModule, PeerLeaseHealthTracker, serializeLeaseHealth } from '@omnirelay/peer-health';

@Controller('ops')
class PeersController {
  constructor(private readonly diagnostics: PeerHealthDiagnosticsService) {}

  @Get('peers')
  @Header('Content-Type', 'application/json; charset=utf-8')
  async peers(): Promise<string> {
    return serializeLeaseHealth(await this.diagnostics.collect());
  }
}

@Module({ imports: [PeerHealthModule.forRoot({ controller: false })], controllers: [PeersController] })
export class AppModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create(AppModule, new FastifyAdapter(), { logger: ['error', 'warn'] });
  await app.listen(0, '127.0.0.1');
  app.get(PeerLeaseHealthTracker).recordLeaseHeartbeat('worker-1');
  const base = await app.getUrl();
  console.log(`/ops/peers ${(await fetch(`${base}/ops/peers`)).status}`);
  console.log(`/omnirelay/control/lease-health ${(await fetch(`${base}/omnirelay/control/lease-health`)).status}`);
  await app.close();
}

void main();
