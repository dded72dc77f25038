import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import type { ResolvedPeerHealthOptions } from '../base/interfaces/peer-health-telemetry-options.interface';
import { PEER_HEALTH_RESOLVED_OPTIONS } from '../base/peer-health.constants';
import { PeerHealthConfigurationError } from '../base/errors/peer-health-configuration.error';
import { PeerLeaseHealthTracker } from '../tracker/peer-lease-health.tracker';
import { PeerHealthMetrics } from './peer-health-metrics';

/** Both are optional peers of the kit: a host without them runs with telemetry off. */
async function loadOptional<T>(load: () => Promise<T>): Promise<T | undefined> {
  try {
    return await load();
  } catch {
    return undefined;
  }
}

/**
 * Connects the tracker to Prometheus when the host has it (see `telemetry.enabled`).
 * @internal
 */
@Injectable()
export class PeerHealthTelemetryService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('PeerHealthTelemetry');
  private detach: (() => void) | undefined;

  constructor(
    private readonly tracker: PeerLeaseHealthTracker,
    @Inject(PEER_HEALTH_RESOLVED_OPTIONS) private readonly options: ResolvedPeerHealthOptions,
    private readonly modules: ModulesContainer,
  ) {}

  /** Whether the tracker's metrics are exported. */
  get enabled(): boolean {
    return this.detach !== undefined;
  }

  async onModuleInit(): Promise<void> {
    const { enabled, registry } = this.options.telemetry;
    if (enabled === false) return;
    if (enabled === 'auto' && !(await this.hostImportsPrometheusModule())) return;
    const client = await loadOptional(() => import('prom-client'));
    if (!client) {
      if (enabled === true) {
        throw new PeerHealthConfigurationError(
          'telemetry.enabled',
          "Option 'telemetry.enabled' is true but prom-client cannot be loaded; install prom-client or turn telemetry off.",
        );
      }
      return;
    }
    this.detach = PeerHealthMetrics.attach(client, registry ?? client.register, this.tracker, this.logger);
  }

  onModuleDestroy(): void {
    this.detach?.();
    this.detach = undefined;
  }

  private async hostImportsPrometheusModule(): Promise<boolean> {
    const prometheus = await loadOptional(() => import('@willsoto/nestjs-prometheus'));
    if (!prometheus) return false;
    for (const module of this.modules.values()) {
      if (module.metatype === prometheus.PrometheusModule) return true;
    }
    return false;
  }
}
