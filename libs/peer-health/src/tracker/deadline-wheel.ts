/**
 * A timing wheel of deadlines, bucketed by `resolutionMs`. Adding is O(1) (a push into the bucket
 * of the deadline); nothing is ever moved or removed early. Owners are re-checked lazily when their
 * bucket comes due: a peer that heart-beat meanwhile is simply added again at its new deadline, so
 * a heartbeat itself never touches the wheel.
 */
export class DeadlineWheel<T> {
  private readonly buckets = new Map<number, T[]>();
  /** Bucket numbers with entries, as a binary min-heap. */
  private readonly heap: number[] = [];

  constructor(readonly resolutionMs: number) {}

  add(owner: T, due: number): void {
    const index = Math.floor(due / this.resolutionMs);
    const bucket = this.buckets.get(index);
    if (bucket) {
      bucket.push(owner);
      return;
    }
    this.buckets.set(index, [owner]);
    this.push(index);
  }

  /** The time by which the earliest bucket is entirely due (Infinity when empty). */
  get nextFullDue(): number {
    const first = this.heap[0];
    return first === undefined ? Infinity : (first + 1) * this.resolutionMs;
  }

  /**
   * Hands `check` every owner of every bucket that is entirely due at `now`, with the bucket's
   * number. With `partial`, also the owners of the bucket `now` falls in; there `check` returns
   * false to keep an owner in place.
   */
  sweep(now: number, check: (owner: T, bucket: number) => boolean, partial = false): void {
    for (let first = this.heap[0]; first !== undefined; first = this.heap[0]) {
      const bucket = this.buckets.get(first) ?? [];
      if ((first + 1) * this.resolutionMs <= now) {
        this.pop();
        this.buckets.delete(first);
        for (const owner of bucket) check(owner, first);
        continue;
      }
      if (partial && first * this.resolutionMs <= now) {
        let kept = 0;
        for (const owner of bucket) if (!check(owner, first)) bucket[kept++] = owner;
        bucket.length = kept;
        if (kept === 0 && this.buckets.get(first) === bucket) {
          this.pop();
          this.buckets.delete(first);
        }
      }
      return;
    }
  }

  private push(value: number): void {
    const heap = this.heap;
    let i = heap.push(value) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const above = heap[parent] ?? value;
      if (above <= value) break;
      heap[i] = above;
      i = parent;
    }
    heap[i] = value;
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop();
    if (last === undefined || heap.length === 0) return;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const leftValue = heap[left] ?? Infinity;
      const rightValue = heap[right] ?? Infinity;
      const child = rightValue < leftValue ? right : left;
      const childValue = Math.min(leftValue, rightValue);
      if (childValue >= last) break;
      heap[i] = childValue;
      i = child;
    }
    heap[i] = last;
  }
}
