/**
 * At most `limit` takes per key in each window of `windowMs` (fixed windows, started by a key's
 * first take), for at most `maxKeys` keys (the oldest window is dropped first past that), so the
 * memory is bounded whatever the keys.
 */
export class RateWindow {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    readonly limit: number,
    public windowMs: number,
    private readonly maxKeys = 4096,
  ) {}

  /** Counts one take for `key` at `now`; false (not counted) when its window is full. */
  take(key: string, now: number): boolean {
    let window = this.windows.get(key);
    if (window === undefined || now - window.start >= this.windowMs) {
      this.windows.delete(key);
      window = { start: now, count: 0 };
      this.windows.set(key, window);
      while (this.windows.size > this.maxKeys) {
        const oldest = this.windows.keys().next();
        if (oldest.done === true) break;
        this.windows.delete(oldest.value);
      }
    }
    if (window.count >= this.limit) return false;
    window.count++;
    return true;
  }
}
