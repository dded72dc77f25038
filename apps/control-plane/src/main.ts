import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { readHostConfig } from './host-config';

async function bootstrap(): Promise<void> {
  const config = readHostConfig(process.env);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(config), new FastifyAdapter(), {
    logger: ['log', 'warn', 'error'],
  });
  app.enableShutdownHooks();
  await app.listen(config.port, config.host);
  // The bound port, so PORT=0 (any free port) prints a usable URL.
  const address: unknown = app.getHttpServer().address();
  const port = typeof address === 'object' && address !== null && 'port' in address ? Number(address.port) : config.port;
  const base = `http://${config.host}:${port}`;
  const logger = new Logger('ControlPlane');
  logger.log(`Lease health: ${base}/omnirelay/control/lease-health`);
  logger.log(`Metrics:      ${base}/metrics`);
}

bootstrap().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
