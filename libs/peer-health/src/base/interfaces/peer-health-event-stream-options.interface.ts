/** Bounds of `GET <prefix>/lease-health/events` (`forRoot({ events })`); each a positive integer. */
export interface PeerHealthEventStreamOptions {
  /** Recent events kept so that a watcher can resume with `Last-Event-ID` (default 1024). */
  readonly replayEvents?: number;
  /** Bytes a watcher may leave unread before it is disconnected (default 262144). */
  readonly maxUnreadBytes?: number;
  /** Interval of the keep-alive comment, in milliseconds (default 15000). */
  readonly keepAliveMs?: number;
  /** Watchers at once; more are answered 503 (default 256). */
  readonly maxWatchers?: number;
  /**
   * Watchers at once per credential (the `Authorization` header's value, compared by its SHA-256), so
   * one token cannot take every slot; more are answered 503 (default 16). Requests without the header
   * are bounded by `maxWatchers` only.
   */
  readonly maxWatchersPerCredential?: number;
}
