import type { MemberVersion } from './membership/member-change';
import { RateWindow } from './security/rate-window';

/** Bounds of SWIM-style indirect probing on one node. */
export const PROBE_LIMITS = {
  /** Relays asked to contact a member this node failed to reach (SWIM's k). */
  relays: 3,
  /** Probes this node runs at once; failures past it wait for the next exchange with the member. */
  ownInFlight: 8,
  /** Probes this node runs for others at once; requests past it are answered `declined` at once. */
  relayedInFlight: 16,
  /** Probe requests one requester gets relayed per window; more are answered `declined`. */
  perRequester: 8,
  /** Relayed probes of one member per window, whoever asks; more are answered `declined`. */
  perTarget: 4,
  /** The window of the two rates above, ms. */
  windowMs: 1000,
  /** How long a relayed probe that did not reach its member backs a suspicion of it here, ms. */
  unreachedMemoryMs: 30_000,
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
  /** Probe requests of others declined by the per-requester or per-target rate. */
  rateLimited: number;
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
  private readonly perRequester = new RateWindow(PROBE_LIMITS.perRequester, PROBE_LIMITS.windowMs);
  private readonly perTarget = new RateWindow(PROBE_LIMITS.perTarget, PROBE_LIMITS.windowMs);
  /** Members a probe relayed here did not reach, with when (bounded: oldest dropped first). */
  private readonly unreached = new Map<string, number>();
  readonly counters: ProbeCounters = { started: 0, reached: 0, suspected: 0, relayed: 0, declined: 0, rateLimited: 0 };

  /** True when this node runs a probe of `nodeId`. */
  running(nodeId: string): boolean {
    return this.own.has(nodeId);
  }

  /** True when a probe of `nodeId` ran here, or one relayed here did not reach it within the memory. */
  saw(nodeId: string, now: number): boolean {
    const at = this.unreached.get(nodeId);
    return this.own.has(nodeId) || (at !== undefined && now - at <= PROBE_LIMITS.unreachedMemoryMs);
  }

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

  /**
   * Claims a slot to probe `target` for `requester`; false (and counted as declined) past the
   * bound of relays at once or past either rate.
   */
  beginRelay(requester: string, target: string, now: number): boolean {
    if (this.relaying >= PROBE_LIMITS.relayedInFlight) {
      this.counters.declined++;
      return false;
    }
    if (!this.perRequester.take(requester, now) || !this.perTarget.take(target, now)) {
      this.counters.declined++;
      this.counters.rateLimited++;
      return false;
    }
    this.relaying++;
    this.counters.relayed++;
    return true;
  }

  /** A relayed probe ended; `reached` false remembers that this node could not reach `target`. */
  endRelay(target: string, reached: boolean, now: number): void {
    this.relaying = Math.max(0, this.relaying - 1);
    if (reached) return;
    this.unreached.delete(target);
    this.unreached.set(target, now);
    while (this.unreached.size > 1024) {
      const oldest = this.unreached.keys().next();
      if (oldest.done === true) break;
      this.unreached.delete(oldest.value);
    }
  }
}
