import type { MemberVersion } from './gossip-membership';

/** Bounds of SWIM-style indirect probing on one node. */
export const PROBE_LIMITS = {
  /** Relays asked to contact a member this node failed to reach (SWIM's k). */
  relays: 3,
  /** Probes this node runs at once; failures past it wait for the next exchange with the member. */
  ownInFlight: 8,
  /** Probes this node runs for others at once; requests past it are answered `declined` at once. */
  relayedInFlight: 16,
} as const;

/** A probe this node runs: the member's version when it started, and the relays to ask. */
export interface ProbePlan {
  readonly version: MemberVersion;
  readonly relays: readonly string[];
}

/** Counts of probe outcomes; plain numbers read by stats and metrics. */
export interface ProbeCounters {
  /** Probes started after a failed exchange. */
  started: number;
  /** Probes where a relay reached the member: no suspicion. */
  reached: number;
  /** Probes where no relay reached the member: this node suspected it. */
  suspected: number;
  /** Probe requests of others this node ran (it contacted the member). */
  relayed: number;
  /** Probe requests of others answered `declined` (unknown member, or too many at once). */
  declined: number;
}

/**
 * Bookkeeping of indirect probes (SWIM ping-req), free of timers and I/O: at most one probe per
 * member at once, and bounded numbers of own and relayed probes, so that a burst of failures or of
 * probe requests costs a bounded number of outgoing requests.
 * @internal
 */
export class IndirectProbes {
  private readonly own = new Set<string>();
  private relaying = 0;
  readonly counters: ProbeCounters = { started: 0, reached: 0, suspected: 0, relayed: 0, declined: 0 };

  /** Claims a probe slot for `nodeId`; false when one runs already or too many do. */
  begin(nodeId: string): boolean {
    if (this.own.has(nodeId) || this.own.size >= PROBE_LIMITS.ownInFlight) return false;
    this.own.add(nodeId);
    this.counters.started++;
    return true;
  }

  end(nodeId: string, reached: boolean): void {
    if (!this.own.delete(nodeId)) return;
    if (reached) this.counters.reached++;
    else this.counters.suspected++;
  }

  /** Claims a slot to probe for another node; false (and counted as declined) past the bound. */
  beginRelay(): boolean {
    if (this.relaying >= PROBE_LIMITS.relayedInFlight) {
      this.counters.declined++;
      return false;
    }
    this.relaying++;
    this.counters.relayed++;
    return true;
  }

  endRelay(): void {
    this.relaying = Math.max(0, this.relaying - 1);
  }
}
