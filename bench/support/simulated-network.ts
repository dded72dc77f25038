import type { Xoshiro128 } from './random';

/** How the simulated network treats every message (each request and each answer on its own). */
export interface NetworkConditions {
  /** Median one-way delay, ms; delays are lognormal around it. */
  readonly latencyMedianMs: number;
  /** Spread of ln(delay): 0.4 puts about 90% of delays within 0.5x..2x of the median. */
  readonly latencySigma: number;
  /** Probability that a message is lost, 0..1. */
  readonly loss: number;
}

/**
 * Draws the fate of one message: lost, or delivered after a lognormal delay (at least 1 ms). Seeded,
 * so a run replays the same delays and losses.
 * @internal
 */
export class SimulatedNetwork {
  constructor(
    readonly conditions: NetworkConditions,
    private readonly random: Xoshiro128,
  ) {}

  /** The one-way delay of the next message in ms, or undefined when it is lost. */
  delay(): number | undefined {
    const { latencyMedianMs, latencySigma, loss } = this.conditions;
    if (loss > 0 && this.uniform() < loss) return undefined;
    return Math.max(1, latencyMedianMs * Math.exp(latencySigma * this.normal()));
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return this.random.nextUint32() / 4294967296;
  }

  /** Standard normal (Box-Muller). */
  private normal(): number {
    const u = 1 - this.uniform();
    const v = this.uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}
