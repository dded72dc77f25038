/**
 * The latest inter-arrival times of one peer in a fixed ring (one typed array, allocated once), with
 * their running sum and sum of squares: mean and variance in O(1) per arrival, memory bounded by
 * the window size. The sums are recomputed from the ring each time it wraps, so rounding errors of
 * the running updates never accumulate beyond one lap.
 * @internal
 */
export class HeartbeatIntervalWindow {
  private readonly intervals: Float64Array;
  private next = 0;
  private filled = 0;
  private sum = 0;
  private sumOfSquares = 0;

  constructor(capacity: number) {
    this.intervals = new Float64Array(capacity);
  }

  get size(): number {
    return this.filled;
  }

  add(interval: number): void {
    const ring = this.intervals;
    if (this.filled === ring.length) {
      const oldest = ring[this.next] ?? 0;
      this.sum -= oldest;
      this.sumOfSquares -= oldest * oldest;
    } else {
      this.filled++;
    }
    ring[this.next] = interval;
    this.sum += interval;
    this.sumOfSquares += interval * interval;
    this.next++;
    if (this.next === ring.length) {
      this.next = 0;
      this.resum();
    }
  }

  /** Mean of the intervals held (NaN when empty). */
  mean(): number {
    return this.sum / this.filled;
  }

  /** Population standard deviation of the intervals held (NaN when empty). */
  standardDeviation(): number {
    const mean = this.sum / this.filled;
    return Math.sqrt(Math.max(0, this.sumOfSquares / this.filled - mean * mean));
  }

  private resum(): void {
    let sum = 0;
    let sumOfSquares = 0;
    for (let i = 0; i < this.filled; i++) {
      const interval = this.intervals[i] ?? 0;
      sum += interval;
      sumOfSquares += interval * interval;
    }
    this.sum = sum;
    this.sumOfSquares = sumOfSquares;
  }
}
