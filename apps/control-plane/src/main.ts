import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { MeshGossipService } from '@omnirelay/mesh-gossip';
import { LEASE_HEALTH_PATH, runPeersCliInProcess } from '@omnirelay/peer-health/cli';
import { AppModule } from './app.module';
import { HOST_USAGE, HostConfigError, parseHostConfig } from './host-config';
import { WorkerAgentService } from './roles/worker/worker-agent.service';

async function serve(argv: readonly string[]): Promise<number> {
  let parsed: ReturnType<typeof parseHostConfig>;
  try {
    parsed = parseHostConfig(argv, process.env);
  } catch (error) {
    if (!(error instanceof HostConfigError)) throw error;
    process.stderr.write(`${error.message}\n\n${HOST_USAGE}\n`);
    return 64;
  }
  if (parsed.help) {
    process.stdout.write(`${HOST_USAGE}\n`);
    return 0;
  }
  const { config } = parsed;
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(config), new FastifyAdapter(), {
    logger: ['log', 'warn', 'error'],
  });
  app.enableShutdownHooks();
  await app.listen(config.port, config.host);
  // The bound port, so PORT=0 (any free port) prints a usable URL.
  const address: unknown = app.getHttpServer().address();
  const port = typeof address === 'object' && address !== null && 'port' in address ? Number(address.port) : config.port;
  const base = `http://${config.host}:${port}`;
  app.get(MeshGossipService).start(base);
  if (config.role === 'worker') app.get(WorkerAgentService).start();
  const logger = new Logger('ControlPlane');
  logger.log(`${config.nodeId} (${config.role}) listening on ${base}`);
  logger.log(`Lease health: ${base}${LEASE_HEALTH_PATH}`);
  logger.log(`Metrics:      ${base}/metrics`);
  logger.log(`Peers:        ${base}/control/peers`);
  return -1;
}

async function main(argv: readonly string[]): Promise<void> {
  // `omnirelay-control-plane peers ...` is the operator CLI, so the executable carries it too.
  const code = argv[0] === 'peers' ? await runPeersCliInProcess(argv.slice(1)) : await serve(argv);
  if (code >= 0) process.exitCode = code;
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
