import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import { PeerHealthIndicator } from '@omnirelay/peer-health/terminus';
import { StoreHealthIndicator } from './store-health.indicator';

/**
 * Kubernetes probes (public routes, see security/route-access): `live` answers while the process
 * serves HTTP; `ready` while at least one tracked peer is healthy (the host itself counts once gossip
 * has seen it) and the store answers (etcd reachable, with `--store etcd`), else 503 naming the reason.
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly peers: PeerHealthIndicator,
    private readonly store: StoreHealthIndicator,
  ) {}

  @Get('live')
  // No Swagger: Terminus would otherwise try to require @nestjs/swagger, which the executable cannot load.
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  ready(): Promise<HealthCheckResult> {
    return this.health.check([() => this.peers.isHealthy('peers', { minHealthy: 1 }), () => this.store.isReachable('store')]);
  }
}
