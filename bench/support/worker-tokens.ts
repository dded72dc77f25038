/** The bearer token of bench worker `i` (subject `worker-<i>`): deterministic, so both processes know it. */
export function workerToken(i: number): string {
  return `bench-worker-token-${String(i).padStart(16, '0')}`;
}
