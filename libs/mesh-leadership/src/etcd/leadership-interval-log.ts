/** One term-stamped stretch of time during which this node acted as leader of a scope. */
export interface LeadershipInterval {
  readonly nodeId: string;
  readonly scope: string;
  readonly term: number;
  /** Epoch ms. */
  readonly start: number;
  /** Epoch ms; absent while the interval is open. */
  readonly end?: number;
}

/** Marker of an interval log line, so tools (and the feature tests) can find them in the output. */
export const LEADERSHIP_INTERVAL_MARKER = 'leadership-interval';

/** The log line of an interval: the marker, then the interval as JSON. */
export function formatLeadershipInterval(interval: LeadershipInterval): string {
  return `${LEADERSHIP_INTERVAL_MARKER} ${JSON.stringify(interval)}`;
}
