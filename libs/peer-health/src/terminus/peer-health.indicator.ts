import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { PeerLeaseHealthTracker } from '../tracker/peer-lease-health.tracker';

/** When `PeerHealthIndicator.isHealthy()` answers up. */
export interface PeerHealthReadiness {
  /** At least this many peers must be healthy (default 1). */
  readonly minHealthy?: number;
  /** At least this share (0 to 1) of the peers counted must be healthy (default 0). */
  readonly minRatio?: number;
  /** Count only the peers whose `mesh.role` metadata equals this role. */
  readonly role?: string;
}

/** The counts a readiness answer is based on. */
interface Counted {
  readonly healthy: number;
  readonly total: number;
}

/**
 * A Terminus health indicator over the tracker: up when enough peers (optionally of one role) are
 * healthy, by number and by share. Provide it next to `TerminusModule` in the host (the tracker is
 * global) and use it in a `@HealthCheck()` route, e.g. `/health/ready`.
 */
@Injectable()
export class PeerHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly tracker: PeerLeaseHealthTracker,
  ) {}

  /** `key` up or down, with `healthy`, `total`, and the thresholds as details. */
  isHealthy<const Key extends string>(key: Key, readiness: PeerHealthReadiness = {}): HealthIndicatorResult<Key> {
    const minHealthy = readiness.minHealthy ?? 1;
    const minRatio = readiness.minRatio ?? 0;
    const { healthy, total } = this.count(readiness.role);
    const ratio = total === 0 ? 0 : healthy / total;
    const details = { healthy, total, minHealthy, minRatio, ...(readiness.role === undefined ? {} : { role: readiness.role }) };
    const session = this.indicators.check(key);
    return healthy >= minHealthy && ratio >= minRatio ? session.up(details) : session.down(details);
  }

  private count(role: string | undefined): Counted {
    if (role === undefined) {
      const counts = this.tracker.counts();
      return { healthy: counts.eligiblePeers, total: counts.trackedPeers };
    }
    let healthy = 0;
    let total = 0;
    for (const peer of this.tracker.snapshot()) {
      const key = Object.keys(peer.metadata).find((name) => name.toLowerCase() === 'mesh.role');
      if (key === undefined || peer.metadata[key] !== role) continue;
      total++;
      if (peer.isHealthy) healthy++;
    }
    return { healthy, total };
  }
}
