// The upper tail of the standard normal distribution, Q(z) = 1 - Phi(z), computed as -log10 Q(z)
// so that the far tail (phi values of 10, 20, ...) neither underflows nor loses its digits.

const LN10 = Math.LN10;
const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);
/** Below it, the power series of erf; above it, the continued fraction of the Mills ratio. */
const SERIES_LIMIT = 2.5;
/** Depth of the continued fraction: ample for z >= 2.5 (error below 1e-13 there). */
const FRACTION_DEPTH = 160;

/** Q(z) for 0 <= z < SERIES_LIMIT, from erf(x) = (2/sqrt(pi)) e^(-x^2) sum 2^n x^(2n+1) / (1*3*...*(2n+1)). */
function upperTailBySeries(z: number): number {
  const x = z / Math.SQRT2;
  const x2 = x * x;
  let term = x;
  let sum = x;
  // Every term is positive, so nothing cancels; 60 terms reach 1e-17 relative at x = 1.77.
  for (let n = 1; n < 60; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
  }
  const erf = (2 / Math.sqrt(Math.PI)) * Math.exp(-x2) * sum;
  return 0.5 * (1 - erf);
}

/** ln Q(z) for z >= SERIES_LIMIT: Q(z) = pdf(z) / (z + 1/(z + 2/(z + 3/(z + ...)))). */
function logUpperTailByFraction(z: number): number {
  let fraction = z;
  for (let k = FRACTION_DEPTH; k >= 1; k--) fraction = z + k / fraction;
  return -0.5 * z * z - HALF_LOG_TWO_PI - Math.log(fraction);
}

/** -log10 Q(z): the phi of a silence that is `z` standard deviations past the expected arrival. */
export function phiOfStandardScore(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  if (z === Infinity) return Infinity;
  if (z >= SERIES_LIMIT) return -logUpperTailByFraction(z) / LN10;
  if (z >= 0) return -Math.log10(upperTailBySeries(z));
  // Below the mean, Q(z) = 1 - Q(-z).
  const lower = -z >= SERIES_LIMIT ? Math.exp(logUpperTailByFraction(-z)) : upperTailBySeries(-z);
  return -Math.log1p(-lower) / LN10;
}

/**
 * The standard score at which phi reaches `threshold`: the inverse of phiOfStandardScore, by
 * bisection to the last bit (phi is strictly increasing in z). Computed once per policy, never per
 * heartbeat: for a location-scale distribution the crossing is always mean + z * deviation.
 */
export function standardScoreAtPhi(threshold: number): number {
  // Q(z) <= e^(-z^2/2) / 2 for z >= 0, so phi exceeds the threshold by z = sqrt(2 T ln 10) + 1.
  let low = -40;
  let high = Math.sqrt(2 * threshold * LN10) + 1;
  for (let i = 0; i < 200; i++) {
    const middle = (low + high) / 2;
    if (middle === low || middle === high) break;
    if (phiOfStandardScore(middle) < threshold) low = middle;
    else high = middle;
  }
  return high;
}
