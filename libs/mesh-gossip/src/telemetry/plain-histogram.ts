/**
 * A histogram kept as plain numbers (per-bucket counts, sum, count), so observing a value costs an
 * array index and never touches prom-client; a metrics exporter turns it into a Prometheus
 * histogram at scrape time.
 */
export class PlainHistogram {
  /** counts[i] is the number of values <= bounds[i] and > bounds[i - 1]; the last cell is +Inf. */
  readonly counts: number[];
  sum = 0;
  count = 0;

  constructor(readonly bounds: readonly number[]) {
    this.counts = new Array<number>(bounds.length + 1).fill(0);
  }

  observe(value: number): void {
    let i = 0;
    while (i < this.bounds.length && value > (this.bounds[i] ?? Infinity)) i++;
    this.counts[i] = (this.counts[i] ?? 0) + 1;
    this.sum += value;
    this.count++;
  }

  /** Cumulative counts per bound, +Inf last: what Prometheus `_bucket` series hold. */
  cumulative(): Array<{ le: string; value: number }> {
    let running = 0;
    return this.counts.map((count, i) => {
      running += count;
      const bound = this.bounds[i];
      return { le: bound === undefined ? '+Inf' : String(bound), value: running };
    });
  }
}

/** Round trips of a gossip exchange, milliseconds. */
export const GOSSIP_RTT_BUCKETS_MS: readonly number[] = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500];
/** Member entries in one gossip message (a page of the member list). */
export const GOSSIP_MESSAGE_MEMBER_BUCKETS: readonly number[] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];
