/** Label value that stands for every value past a label's cap. */
export const OVERFLOW_LABEL_VALUE = '__overflow__';

/**
 * Admits at most `limit` distinct values of one Prometheus label; later values fold into
 * OVERFLOW_LABEL_VALUE so a fleet of churning ids cannot explode the series count.
 */
export class LabelValueCap {
  private readonly admitted = new Set<string>();

  constructor(private readonly limit: number) {}

  admit(value: string): string {
    if (this.admitted.has(value)) return value;
    if (this.admitted.size >= this.limit) return OVERFLOW_LABEL_VALUE;
    this.admitted.add(value);
    return value;
  }
}
