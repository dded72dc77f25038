import { type PeerRecord } from './peer-record';

/** The columns the table sorts by (the `data-key` of its head cells). */
export const SORT_COLUMNS = ['peerId', 'status', 'role', 'region', 'leases', 'heartbeat', 'reason'] as const;
export type SortKey = (typeof SORT_COLUMNS)[number];

export interface Counts {
  healthy: number;
  unhealthy: number;
  pending: number;
}

/** A transition, leadership, anomaly or reset event of the stream (fields unchecked). */
export type StreamEvent = Readonly<Record<string, unknown>>;

/** What the page knows: the records of the last read, the counts, the leaders, the selection. */
export interface DashboardState {
  records: PeerRecord[];
  byId: Map<string, PeerRecord>;
  /** Records evicted since the last read. */
  goneCount: number;
  counts: Counts;
  /** Leader by scope; null while the host serves no leadership view. */
  leaders: Record<string, string | null> | null;
  /** The peerId of the selected row. */
  selected: string | null;
  sort: { key: SortKey; dir: 1 | -1 };
  /** The first page of a large view is shown; the rest is being read. */
  reading: boolean;
  /** Transitions that arrived during the current read (replayed onto it); null when no read runs. */
  sinceLoad: StreamEvent[] | null;
}

export const state: DashboardState = {
  records: [],
  byId: new Map(),
  goneCount: 0,
  counts: { healthy: 0, unhealthy: 0, pending: 0 },
  leaders: null,
  selected: null,
  sort: { key: 'status', dir: 1 },
  reading: false,
  sinceLoad: null,
};

/** Whether a head cell's `data-key` names a column. */
export function isSortKey(key: string | undefined): key is SortKey {
  return SORT_COLUMNS.some((column) => column === key);
}
