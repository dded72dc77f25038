import type { PeerHealthEventStreamOptions } from '../../base/interfaces/peer-health-event-stream-options.interface';

/** Bounds of the lease-health event stream (`forRoot({ events })`), after defaults. */
export type EventStreamSettings = Required<PeerHealthEventStreamOptions>;

export const DEFAULT_EVENT_STREAM_SETTINGS: EventStreamSettings = {
  replayEvents: 1024,
  maxUnreadBytes: 256 * 1024,
  keepAliveMs: 15_000,
  maxWatchers: 256,
  maxWatchersPerCredential: 16,
};
