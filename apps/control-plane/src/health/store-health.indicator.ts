import { Inject, Injectable, Optional } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import type { StoreProbe } from '../store/store-probe';
import { STORE_PROBE } from './health.constants';

/**
 * A Terminus indicator over the external store (etcd): down, with the reason, while etcd does not
 * answer, since every work and leadership call fails then; up with `store: "memory"` on the embedded store.
 */
@Injectable()
export class StoreHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    @Optional() @Inject(STORE_PROBE) private readonly probe: StoreProbe | null = null,
  ) {}

  async isReachable<const Key extends string>(key: Key): Promise<HealthIndicatorResult<Key>> {
    const session = this.indicators.check(key);
    if (this.probe === null) return session.up({ store: 'memory' });
    const { reachable, reason } = await this.probe.reachability();
    return reachable ? session.up({ store: 'etcd' }) : session.down({ store: 'etcd', reason });
  }
}
