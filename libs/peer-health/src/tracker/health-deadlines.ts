import type { ScheduledTimer } from '../base/clock';
import { DeadlineWheel } from './deadline-wheel';
import type { PeerState } from './peer-state';
import type { PolicyPeerState } from './policy-peer-state';
import type { TrackerSettings } from './tracker-settings';

/** What the tracker does when a deadline passes. */
export interface DeadlineActions {
  /** The peer's grace period ended at `due` without a heartbeat. */
  expire(peer: PeerState, due: number): void;
  /** The peer saw no event for the retention period, which ended at `due`. */
  evict(peer: PeerState, due: number): void;
  /** Deadlines were applied by the timer, outside any call: tell listeners. */
  afterTimer(): void;
}

/**
 * The time-driven half of the tracker: grace deadlines of healthy peers and retention deadlines of
 * every peer, in two timing wheels, driven by one timer armed at the earliest due bucket. A
 * heartbeat never touches a wheel: an owner is re-checked when its bucket comes due and queued
 * again at its new deadline if it heart-beat meanwhile.
 */
export class HealthDeadlines {
  private readonly expiryWheel: DeadlineWheel<PeerState>;
  private readonly retentionWheel: DeadlineWheel<PeerState>;
  private readonly precise: boolean;
  private timer: ScheduledTimer | undefined;
  private timerDue = Infinity;
  private disposed = false;
  private readonly stopAdvanceWatch: (() => void) | undefined;

  constructor(
    private readonly settings: TrackerSettings,
    private readonly actions: DeadlineActions,
    applyNow: () => void,
    /** Per-peer state of a health policy other than the inline grace rule; undefined under that rule. */
    private readonly policyStates?: WeakMap<PeerState, PolicyPeerState>,
  ) {
    const { timers, heartbeatGracePeriodMs: grace, retentionMs } = settings;
    this.precise = timers.precise === true;
    // A simulated clock fires timers exactly, so its deadlines are kept to the millisecond. Real
    // timers get buckets of ~1% of the period (at most 25 ms): a transition lands that promptly.
    this.expiryWheel = new DeadlineWheel(this.precise ? 1 : Math.min(25, Math.max(1, Math.floor(grace / 100))));
    this.retentionWheel = new DeadlineWheel(
      this.precise || !Number.isFinite(retentionMs) ? 1 : Math.max(1, Math.floor(retentionMs / 100)),
    );
    this.stopAdvanceWatch = timers.onAdvanced?.(applyNow);
  }

  /** Starts watching the health deadline of a peer that just heart-beat, unless it is watched already. */
  watchExpiry(peer: PeerState, now: number): void {
    if (this.policyStates !== undefined) {
      const policed = this.policyStates.get(peer);
      if (policed !== undefined) this.watchPolicyDeadline(peer, policed);
      return;
    }
    if (peer.inExpiry) return;
    peer.inExpiry = true;
    this.expiryWheel.add(peer, now + this.settings.heartbeatGracePeriodMs);
    this.ensureTimer(this.expiryWheel.nextFullDue);
  }

  /**
   * The same for a deadline a policy gave. Unlike the grace rule's, it may move earlier: the peer is
   * then filed again, and its entry in the later bucket becomes stale (see apply()).
   */
  private watchPolicyDeadline(peer: PeerState, policed: PolicyPeerState): void {
    const due = policed.healthyUntil;
    if ((peer.inExpiry && due >= policed.filedAt) || due === Infinity) return;
    const resolution = this.expiryWheel.resolutionMs;
    const sameBucket = peer.inExpiry && Math.floor(due / resolution) === Math.floor(policed.filedAt / resolution);
    peer.inExpiry = true;
    policed.filedAt = due;
    if (sameBucket) return;
    this.expiryWheel.add(peer, due);
    this.ensureTimer(this.expiryWheel.nextFullDue);
  }

  /** Starts watching the retention deadline of a peer that just saw an event, unless it is watched already. */
  watchRetention(peer: PeerState, now: number): void {
    if (peer.inRetention || this.settings.retentionMs === Infinity) return;
    peer.inRetention = true;
    this.retentionWheel.add(peer, now + this.settings.retentionMs);
    this.ensureTimer(this.retentionWheel.nextFullDue);
  }

  /** For writes: applies the buckets entirely due at `now`; O(1) when none is. */
  applyDueBuckets(now: number): void {
    if (now >= this.expiryWheel.nextFullDue || now >= this.retentionWheel.nextFullDue) this.apply(now, false);
  }

  /** For reads: applies every deadline before `now`, to the millisecond. */
  applyExact(now: number): void {
    this.apply(now, true);
  }

  /** Stops the timer; deadlines are then applied only when the tracker is called. */
  dispose(): void {
    this.disposed = true;
    this.stopAdvanceWatch?.();
    this.timer?.cancel();
    this.timer = undefined;
    this.timerDue = Infinity;
  }

  private apply(now: number, exact: boolean): void {
    const { heartbeatGracePeriodMs: grace, retentionMs } = this.settings;
    const resolution = this.expiryWheel.resolutionMs;
    this.expiryWheel.sweep(
      now,
      (peer, bucket) => {
        const policed = this.policyStates?.get(peer);
        // Left behind when a policy's deadline moved earlier and the peer was filed again: the live entry decides.
        if (policed !== undefined && Math.floor(policed.filedAt / resolution) !== bucket) return true;
        if (peer.evicted || !peer.healthy || peer.disconnected) {
          peer.inExpiry = false;
          return true;
        }
        const due = policed === undefined ? peer.lastHeartbeat + grace : policed.healthyUntil;
        if (due < now) {
          peer.inExpiry = false;
          this.actions.expire(peer, due);
          return true;
        }
        // It showed life since it was filed: keep it in this bucket, or move it to its new one.
        if (Math.floor(due / resolution) === bucket) return false;
        if (due === Infinity) {
          peer.inExpiry = false;
          return true;
        }
        if (policed !== undefined) policed.filedAt = due;
        this.expiryWheel.add(peer, due);
        return true;
      },
      exact,
    );
    this.retentionWheel.sweep(
      now,
      (peer, bucket) => {
        if (peer.evicted) return true;
        const due = peer.lastActivity + retentionMs;
        if (due < now) {
          peer.inRetention = false;
          this.actions.evict(peer, due);
          return true;
        }
        if (Math.floor(due / this.retentionWheel.resolutionMs) === bucket) return false;
        this.retentionWheel.add(peer, due);
        return true;
      },
      exact,
    );
    const next = Math.min(this.expiryWheel.nextFullDue, this.retentionWheel.nextFullDue);
    if (next !== Infinity) this.ensureTimer(next);
  }

  private ensureTimer(due: number): void {
    if (this.disposed || due >= this.timerDue) return;
    this.timer?.cancel();
    this.timerDue = due;
    // `due` is the end of the earliest bucket; real timers get +1 ms to absorb their rounding.
    const delay = Math.max(0, due - this.settings.clock.now()) + (this.precise ? 0 : 1);
    this.timer = this.settings.timers.schedule(() => {
      this.onTimer();
    }, Math.min(delay, 2_147_483_647));
  }

  private onTimer(): void {
    this.timer = undefined;
    this.timerDue = Infinity;
    if (this.disposed) return;
    this.apply(this.settings.clock.now(), this.precise);
    this.actions.afterTimer();
  }
}
