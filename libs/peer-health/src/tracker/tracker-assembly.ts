import type { PeerHealthAnomalyKind } from '../base/peer-health-anomaly';
import { AnomalyFeed } from './anomaly-feed';
import { FlapDetector } from './flap-detector';
import { HealthDeadlines } from './health-deadlines';
import type { PeerHealthPolicy } from './interfaces/peer-health-policy.interface';
import { LeadershipFeed } from './leadership-feed';
import { PeerEventCounters } from './peer-event-counters';
import { PeerMetadataWriter } from './peer-metadata-writer';
import type { PeerState } from './peer-state';
import { PeerTable } from './peer-table';
import { PeerTransitions } from './peer-transitions';
import type { PolicyPeerState } from './policy-peer-state';
import { RecordingPath } from './recording-path';
import { TrackerEventQueue } from './tracker-event-queue';
import type { TrackerLogger, TrackerSettings } from './tracker-settings';

/**
 * The collaborators of one tracker, wired to each other.
 * @internal
 */
export interface TrackerParts {
  readonly counters: PeerEventCounters;
  readonly events: TrackerEventQueue;
  readonly flapping: FlapDetector;
  readonly table: PeerTable;
  readonly deadlines: HealthDeadlines;
  readonly recording: RecordingPath;
  readonly anomalies: AnomalyFeed;
  readonly leadership: LeadershipFeed;
}

/**
 * Builds the parts of a tracker: the peer table, the recording path and what it reports to (counters,
 * transitions, the event queue, the flapping detector), the deadlines and the listeners' feeds.
 * `evaluateHealth` is the tracker's own, called when a simulated clock advances.
 * @internal
 */
export function assembleTracker(
  settings: TrackerSettings,
  healthPolicy: PeerHealthPolicy,
  logger: TrackerLogger,
  evaluateHealth: () => void,
): TrackerParts {
  const counters = new PeerEventCounters(settings);
  const anomaly = (kind: PeerHealthAnomalyKind): void => {
    counters.recordAnomaly(kind);
  };
  const events = new TrackerEventQueue(settings, logger, anomaly);
  const listenerFailed = (error: unknown): void => {
    logger.error(`A peer health event listener threw: ${String(error)}`);
  };
  const flapping = new FlapDetector(settings, logger, () => {
    anomaly('flapping');
  });
  const table = new PeerTable(counters);
  const transitions = new PeerTransitions(table, counters, flapping, events);
  const policyStates = settings.healthPolicy === undefined ? undefined : new WeakMap<PeerState, PolicyPeerState>();
  const deadlines = new HealthDeadlines(
    settings,
    {
      // `due` is the last instant the peer is still healthy (equal is still healthy): it turns unhealthy 1 ms later.
      expire: (peer, due) => {
        transitions.setHealthy(peer, false, 'heartbeat-expired', due + 1);
      },
      evict: (peer, due) => {
        transitions.evict(peer, due);
      },
      afterTimer: () => {
        events.flush();
      },
    },
    evaluateHealth,
    policyStates,
  );
  const metadata = new PeerMetadataWriter(settings.metadataLimits, counters);
  return {
    counters,
    events,
    flapping,
    table,
    deadlines,
    recording: new RecordingPath(settings, table, transitions, deadlines, counters, events, metadata, healthPolicy, policyStates),
    anomalies: new AnomalyFeed(counters, settings.clock, listenerFailed),
    leadership: new LeadershipFeed(settings.clock, listenerFailed),
  };
}
