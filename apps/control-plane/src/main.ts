import 'reflect-metadata';
import { ConsoleLogger, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { MeshGossipService } from '@omnirelay/mesh-gossip';
import { DEFAULT_LEASE_HEALTH_PATH_PREFIX } from '@omnirelay/peer-health';
import { LEASE_HEALTH_PATH, runPeersCliInProcess } from '@omnirelay/peer-health/cli';
import { WorkerAgentService } from '@omnirelay/resource-lease';
import { AppModule } from './app.module';
import { HOST_USAGE, HostConfigError, parseHostConfig } from './host-config';
import { httpServerLimits } from './http-server-limits';
import { ConnectionGate } from './connections/connection-gate';
import { installRequestDoor, type DoorFastify } from './connections/request-door';
import { loadHostSecurity, type HostSecurity } from './security/host-security';
import { loadGossipSigning, type GossipSigning } from './gossip/gossip-signing';

async function serve(argv: readonly string[]): Promise<number> {
  let parsed: ReturnType<typeof parseHostConfig>;
  let security: HostSecurity | undefined;
  let signing: GossipSigning | undefined;
  try {
    parsed = parseHostConfig(argv, process.env);
    if (!parsed.help) security = loadHostSecurity(parsed.config);
    if (security) signing = loadGossipSigning(parsed.config, security.tokens !== null);
  } catch (error) {
    if (!(error instanceof HostConfigError)) throw error;
    process.stderr.write(`${error.message}\n\n${HOST_USAGE}\n`);
    return 64;
  }
  if (parsed.help || security === undefined || signing === undefined) {
    process.stdout.write(`${HOST_USAGE}\n`);
    return 0;
  }
  const { config } = parsed;
  const limits = httpServerLimits(config.requestTimeoutMs);
  const tls = security.tls.server;
  let adapter: FastifyAdapter;
  try {
    adapter = new FastifyAdapter({
      ...limits.fastify,
      ...(tls
        ? {
            https: {
              ...limits.node,
              cert: tls.cert,
              key: tls.key,
              ...(tls.ca ? { ca: tls.ca } : {}),
              requestCert: tls.requireClientCertificate,
              rejectUnauthorized: tls.requireClientCertificate,
            },
          }
        : { http: limits.node }),
    });
  } catch (error) {
    // The TLS context is built here: a key that does not match its certificate, or a damaged PEM file.
    if (!tls) throw error;
    process.stderr.write(`--tls-cert / --tls-key / --tls-ca: cannot serve HTTPS with these files: ${error instanceof Error ? error.message : String(error)}\n`);
    return 64;
  }
  // Before Nest registers a route: the door's hooks run first, and every route gets its body limit.
  const gate = new ConnectionGate(adapter.getHttpServer(), {
    maxConnections: config.maxConnections,
    maxConnectionsPerAddress: config.maxConnectionsPerAddress,
    reservedConnections: Math.min(config.reservedConnections, Math.floor(config.maxConnections / 2)),
    unauthenticatedIdleMs: config.unauthenticatedIdleTimeoutMs,
    authenticates: security.tokens !== null,
  });
  installRequestDoor(adapter.getInstance<DoorFastify>(), security.tokens, gate);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(config, security, signing), adapter, {
    logger:
      config.logFormat === 'json'
        ? new ConsoleLogger({ json: true, logLevels: ['log', 'warn', 'error'] })
        : ['log', 'warn', 'error'],
  });
  app.enableShutdownHooks();
  await app.listen(config.port, config.host);
  // The bound port, so PORT=0 (any free port) prints a usable URL.
  const address: unknown = app.getHttpServer().address();
  const port = typeof address === 'object' && address !== null && 'port' in address ? Number(address.port) : config.port;
  const base = `${tls ? 'https' : 'http'}://${config.host}:${port}`;
  // What others reach this node at: the listen address is no use to them when it is 0.0.0.0.
  app.get(MeshGossipService).start(config.advertiseUrl ?? base);
  if (config.role === 'worker') app.get(WorkerAgentService).start();
  const logger = new Logger('ControlPlane');
  for (const warning of security.warnings) logger.warn(warning);
  logger.log(`${config.nodeId} (${config.role}) listening on ${base}`);
  logger.log(`Lease health: ${base}${LEASE_HEALTH_PATH}`);
  logger.log(`Metrics:      ${base}/metrics`);
  logger.log(`Peers:        ${base}/control/peers`);
  logger.log(`Dashboard:    ${base}${DEFAULT_LEASE_HEALTH_PATH_PREFIX}/dashboard`);
  // Every role but the worker runs leadership (app.module.ts).
  if (config.role !== 'worker') logger.log(`Leaders:      ${base}/control/leaders`);
  if (security.tokens === null) logger.log('No tokens file: every endpoint is open (loopback only). See --auth-tokens-file.');
  else logger.log(`Bearer tokens required (${security.tokens.size} in the tokens file)${tls?.requireClientCertificate ? ', and client certificates' : ''}.`);
  if (security.tokens !== null && config.authToken === undefined) {
    logger.log('No --auth-token: worker and fleet-view calls from this node carry no token, and protected peers will refuse them.');
  }
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
