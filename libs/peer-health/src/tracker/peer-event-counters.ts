import type { PeerHealthStatus, PeerHealthTransitionReason } from '../base/interfaces/peer-health-transition.interface';
import type { PeerHealthAnomalyKind } from '../base/peer-health-anomaly';
import { LabelValueCap, OVERFLOW_LABEL_VALUE } from './label-value-cap';
import { ProducerCounters } from './producers/producer-counters';

/**
 * Per-`rpc_peer` event counts. A peer holds a reference to its cell from the moment it is first
 * seen, so recording an event is a field increment: no map or prom-client label lookup.
 * @internal
 */
export class PeerCounterCell {
  heartbeats = 0;
  releases = 0;
  requeuedReleases = 0;
  /** lease_resource_type -> lease_resource_id -> count */
  readonly assignments = new Map<string, Map<string, number>>();
  /** lease_disconnect_reason -> count */
  readonly disconnects = new Map<string, number>();

  constructor(readonly rpcPeer: string) {}
}

/** @internal */
export interface TransitionCount {
  readonly from: PeerHealthStatus;
  readonly to: PeerHealthStatus | 'evicted';
  readonly reason: PeerHealthTransitionReason;
  readonly count: number;
}

// Transitions are counted in a fixed table: no key string or map lookup per transition.
const FROM: Record<PeerHealthStatus, number> = { healthy: 0, unhealthy: 1 };
const TO: Record<PeerHealthStatus | 'evicted', number> = { healthy: 0, unhealthy: 1, evicted: 2 };
const REASON: Record<PeerHealthTransitionReason, number> = {
  heartbeat: 0,
  assignment: 1,
  release: 2,
  disconnect: 3,
  'heartbeat-expired': 4,
  retention: 5,
  'lease-expired': 6,
};
const REASONS = Object.keys(REASON).length;
const keysOf = <K extends string>(index: Record<K, number>): K[] => Object.keys(index) as K[];
const transitionSlot = (from: PeerHealthStatus, to: PeerHealthStatus | 'evicted', reason: PeerHealthTransitionReason) =>
  (FROM[from] * 3 + TO[to]) * REASONS + REASON[reason];

/** @internal */
export interface PeerEventCounterLimits {
  /** Distinct `rpc_peer` label values before folding into the overflow value. */
  readonly maxPeerLabelValues: number;
  /** Distinct values of each other free-text label (resource type, resource id, disconnect reason). */
  readonly maxLabelValues: number;
}

/**
 * Every count the tracker keeps, as plain numbers. The Prometheus exporter reads them when
 * Prometheus scrapes; nothing here depends on prom-client.
 * @internal
 */
export class PeerEventCounters {
  readonly overflowCell = new PeerCounterCell(OVERFLOW_LABEL_VALUE);
  readonly anomalies = new Map<PeerHealthAnomalyKind, number>();
  gossipUpdates = 0;
  /** Event-stream watchers connected to the kit's endpoint (exported as a gauge). */
  watchers = 0;
  /** What the tracker's producer channels did (exported as the producer metrics). */
  readonly producers = new ProducerCounters();
  /** Called after each anomaly is counted; set only while somebody listens, so counting stays allocation-free. */
  anomalyHook: ((kind: PeerHealthAnomalyKind, count: number) => void) | undefined;

  private readonly cells = new Map<string, PeerCounterCell>();
  private readonly transitionCounts = new Array<number>(2 * 3 * REASONS).fill(0);
  private readonly resourceTypes: LabelValueCap;
  private readonly resourceIds: LabelValueCap;
  private readonly disconnectReasons: LabelValueCap;

  constructor(private readonly limits: PeerEventCounterLimits) {
    this.resourceTypes = new LabelValueCap(limits.maxLabelValues);
    this.resourceIds = new LabelValueCap(limits.maxLabelValues);
    this.disconnectReasons = new LabelValueCap(limits.maxLabelValues);
  }

  /** The cell of `peerId`; called once when a peer is first tracked (again after an eviction). */
  cellFor(peerId: string): PeerCounterCell {
    const existing = this.cells.get(peerId);
    if (existing) return existing;
    if (this.cells.size >= this.limits.maxPeerLabelValues) return this.overflowCell;
    const cell = new PeerCounterCell(peerId);
    this.cells.set(peerId, cell);
    return cell;
  }

  /** Every cell with its counts, the overflow cell last. */
  *allCells(): IterableIterator<PeerCounterCell> {
    yield* this.cells.values();
    yield this.overflowCell;
  }

  recordAssignment(cell: PeerCounterCell, resourceType: string, resourceId: string): void {
    const type = resourceType === '' ? '' : this.resourceTypes.admit(resourceType);
    const id = resourceId === '' ? '' : this.resourceIds.admit(resourceId);
    let byId = cell.assignments.get(type);
    if (!byId) {
      byId = new Map<string, number>();
      cell.assignments.set(type, byId);
    }
    byId.set(id, (byId.get(id) ?? 0) + 1);
  }

  recordDisconnect(cell: PeerCounterCell, reason: string): void {
    const label = reason === '' ? '' : this.disconnectReasons.admit(reason);
    cell.disconnects.set(label, (cell.disconnects.get(label) ?? 0) + 1);
  }

  recordTransition(from: PeerHealthStatus, to: PeerHealthStatus | 'evicted', reason: PeerHealthTransitionReason): void {
    const slot = transitionSlot(from, to, reason);
    this.transitionCounts[slot] = (this.transitionCounts[slot] ?? 0) + 1;
  }

  /** Every (from, to, reason) combination counted at least once. */
  *transitions(): IterableIterator<TransitionCount> {
    for (const from of keysOf(FROM)) {
      for (const to of keysOf(TO)) {
        for (const reason of keysOf(REASON)) {
          const count = this.transitionCounts[transitionSlot(from, to, reason)] ?? 0;
          if (count > 0) yield { from, to, reason, count };
        }
      }
    }
  }

  recordAnomaly(kind: PeerHealthAnomalyKind, count = 1): void {
    this.anomalies.set(kind, (this.anomalies.get(kind) ?? 0) + count);
    this.anomalyHook?.(kind, count);
  }

  anomalyCount(kind: PeerHealthAnomalyKind): number {
    return this.anomalies.get(kind) ?? 0;
  }

  transitionCount(from: PeerHealthStatus, to: PeerHealthStatus | 'evicted', reason?: PeerHealthTransitionReason): number {
    let total = 0;
    for (const entry of this.transitions()) {
      if (entry.from === from && entry.to === to && (reason === undefined || entry.reason === reason)) {
        total += entry.count;
      }
    }
    return total;
  }
}
