import { PEER_HEALTH_DEFAULTS } from '../base/peer-health.defaults';
import type { ScheduledTimer } from '../base/clock';
import type { PeerState } from './peer-state';
import type { TrackerLogger, TrackerSettings } from './tracker-settings';

/**
 * Notices peers that change status too often. Each peer counts its own transitions within the
 * flapping window; a peer that reaches the threshold is an anomaly. The log gets at most one line
 * per window for the whole tracker, at the window's end, so a fleet-wide blip prints one summary,
 * not one line per peer.
 */
export class FlapDetector {
  private flappedInWindow = 0;
  private readonly named: string[] = [];
  private summaryTimer: ScheduledTimer | undefined;

  constructor(
    private readonly settings: TrackerSettings,
    private readonly logger: TrackerLogger,
    private readonly onFlapping: () => void,
  ) {}

  /** Counts a status change of `peer` at `at`. */
  record(peer: PeerState, at: number): void {
    if (at - peer.flapWindowStart > this.settings.flapWindowMs) {
      peer.flapWindowStart = at;
      peer.flapCount = 0;
    }
    if (++peer.flapCount !== this.settings.flapTransitions) return;
    this.onFlapping();
    if (this.flappedInWindow++ === 0) {
      this.summaryTimer = this.settings.timers.schedule(() => {
        this.summarize();
      }, this.settings.flapWindowMs);
    }
    if (this.named.length < PEER_HEALTH_DEFAULTS.flappingPeersNamed) this.named.push(peer.peerId);
  }

  /** Logs what is pending now instead of at the window's end. */
  dispose(): void {
    this.summaryTimer?.cancel();
    this.summarize();
  }

  private summarize(): void {
    this.summaryTimer = undefined;
    const count = this.flappedInWindow;
    if (count === 0) return;
    const others = count - this.named.length;
    const names = `${this.named.join(', ')}${others > 0 ? ` and ${others} more` : ''}`;
    this.logger.warn(
      `${count} peer(s) flapped (${this.settings.flapTransitions} status changes within ${this.settings.flapWindowMs} ms): ${names}`,
    );
    this.flappedInWindow = 0;
    this.named.length = 0;
  }
}
