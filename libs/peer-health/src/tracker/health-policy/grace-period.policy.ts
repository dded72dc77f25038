import { positiveNumberOption } from '../../base/option-checks';
import { PEER_HEALTH_DEFAULTS } from '../../base/peer-health.defaults';
import type { GracePeriodPolicyOptions } from '../interfaces/grace-period-policy-options.interface';
import type { PeerHealthPolicy } from '../interfaces/peer-health-policy.interface';

/**
 * The default rule: healthy while the last sign of life is at most `gracePeriodMs` old. It keeps no
 * history. The tracker recognises it and applies it inline, so choosing it explicitly costs nothing.
 */
export class GracePeriodPolicy implements PeerHealthPolicy<undefined> {
  /** Always `grace-period`. */
  readonly name = 'grace-period';
  /** How long, in ms, a peer stays healthy after its last sign of life. */
  readonly gracePeriodMs: number;

  /** @throws PeerHealthConfigurationError for a grace period that is not a positive finite number. */
  constructor(options: GracePeriodPolicyOptions = {}) {
    this.gracePeriodMs = positiveNumberOption('healthPolicy.gracePeriodMs', options.gracePeriodMs, PEER_HEALTH_DEFAULTS.heartbeatGracePeriodMs);
  }

  /** The rule keeps nothing per peer. */
  createPeerHistory(): undefined {
    return undefined;
  }

  /** Healthy through `now + gracePeriodMs`. */
  recordArrival(_history: undefined, now: number): number {
    return now + this.gracePeriodMs;
  }
}
