/** Options of `new GracePeriodPolicy(options)`. */
export interface GracePeriodPolicyOptions {
  /** How long, in ms, a peer stays healthy after its last sign of life; a positive finite number (default 30000). */
  readonly gracePeriodMs?: number;
}
