import type { PeerHealthAlert } from '../base/interfaces/peer-health-alert.interface';
import type { PeerHealthTransition, PeerHealthTransitionListener } from '../base/interfaces/peer-health-transition.interface';
import type { PeerHealthAnomalyKind } from '../base/peer-health-anomaly';
import type { TrackerLogger, TrackerSettings } from './tracker-settings';

/**
 * Hands transitions to listeners and alerts to the publisher after the change that raised them is
 * complete. A listener that records into the tracker re-enters safely: its events queue up behind
 * the current ones and go out in the same flush.
 */
export class TrackerEventQueue {
  private readonly listeners = new Set<PeerHealthTransitionListener>();
  private readonly transitions: PeerHealthTransition[] = [];
  private readonly alerts: PeerHealthAlert[] = [];
  private dispatching = false;

  constructor(
    private readonly settings: TrackerSettings,
    private readonly logger: TrackerLogger,
    private readonly anomaly: (kind: PeerHealthAnomalyKind) => void,
  ) {}

  /** Whether anybody listens: transitions are only built when someone does. */
  get listening(): boolean {
    return this.listeners.size > 0;
  }

  get publishing(): boolean {
    return this.settings.alertPublisher !== undefined;
  }

  subscribe(listener: PeerHealthTransitionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  pushTransition(transition: PeerHealthTransition): void {
    this.transitions.push(transition);
  }

  pushAlert(alert: PeerHealthAlert): void {
    this.alerts.push(alert);
  }

  /** Delivers everything queued, unless a delivery is already under way further up the stack. */
  flush(): void {
    if (this.dispatching || (this.transitions.length === 0 && this.alerts.length === 0)) return;
    this.dispatching = true;
    try {
      for (let i = 0; i < this.transitions.length || i < this.alerts.length; i++) {
        const transition = this.transitions[i];
        if (transition) for (const listener of this.listeners) this.notify(listener, transition);
        const alert = this.alerts[i];
        if (alert) this.publish(alert);
      }
    } finally {
      this.transitions.length = 0;
      this.alerts.length = 0;
      this.dispatching = false;
    }
  }

  private notify(listener: PeerHealthTransitionListener, transition: PeerHealthTransition): void {
    try {
      listener(transition);
    } catch (error) {
      this.anomaly('listener-failure');
      this.logger.error(`A peer health transition listener threw: ${String(error)}`);
    }
  }

  private publish(alert: PeerHealthAlert): void {
    const failed = (error: unknown): void => {
      this.anomaly('alert-publish-failure');
      this.logger.warn(`Publishing alert ${alert.name} for ${alert.attributes['peer.id'] ?? '?'} failed: ${String(error)}`);
    };
    try {
      const result = this.settings.alertPublisher?.publish(alert);
      if (result instanceof Promise) result.catch(failed);
    } catch (error) {
      failed(error);
    }
  }
}
