import type { GossipMemberState } from '../interfaces/gossip-member.interface';
import type { ProbeCounters } from '../indirect-probes';
import { GOSSIP_INBOUND_OUTCOMES, GOSSIP_OUTBOUND_OUTCOMES, type GossipOutboundOutcome } from '../gossip-protocol';
import type { GossipInboundOutcome } from '../interfaces/gossip-inbound-outcome.interface';
import type { MeshGossipService } from '../mesh-gossip.service';
import {
  GOSSIP_MEMBERS_METRIC,
  GOSSIP_MESSAGE_MEMBERS_METRIC,
  GOSSIP_MESSAGES_METRIC,
  GOSSIP_PROBES_METRIC,
  GOSSIP_RTT_METRIC,
} from './gossip-metric-names';
import { scrapedCounter, scrapedGauge, scrapedHistogram, type ScrapedMetricSpec } from './scraped-metric';

/** What the gossip metrics read at scrape time: the service's plain numbers. @internal */
export type GossipMetricsSource = Pick<MeshGossipService, 'memberStates' | 'messageCounters' | 'probeCounters' | 'rtt' | 'messageMembers'>;

type Outcome = 'ok' | 'rejected' | 'failed';

/** The seed system's three outcomes; the service's finer one is kept as `reason`. */
const INBOUND: Record<GossipInboundOutcome, Outcome> = {
  accepted: 'ok',
  unauthenticated: 'rejected',
  replayed: 'rejected',
  malformed: 'rejected',
  'too-large': 'rejected',
};
const OUTBOUND: Record<GossipOutboundOutcome, Outcome> = {
  accepted: 'ok',
  refused: 'rejected',
  unauthenticated: 'rejected',
  malformed: 'rejected',
  'not-allowed': 'rejected',
  failed: 'failed',
};

/** Each probe counter of the service, as `role` (whose probe) and `outcome`. */
const PROBE_SERIES: ReadonlyArray<{ readonly key: keyof ProbeCounters; readonly role: 'own' | 'relayed'; readonly outcome: string }> = [
  { key: 'reached', role: 'own', outcome: 'reached' },
  { key: 'suspected', role: 'own', outcome: 'suspected' },
  { key: 'relayed', role: 'relayed', outcome: 'run' },
  { key: 'declined', role: 'relayed', outcome: 'declined' },
];

const MEMBER_STATES: readonly GossipMemberState[] = ['alive', 'suspect', 'dead', 'left'];

/**
 * The gossip metrics, one row each, read from the service's plain numbers when Prometheus scrapes.
 * @internal
 */
export const GOSSIP_METRICS: readonly ScrapedMetricSpec<GossipMetricsSource>[] = [
  /**
   * Direction `received` (requests from peers) or `sent` (exchanges this node started); outcome `ok`,
   * `rejected` (refused by either side: MAC, replay, bounds, allow-list, a 4xx) or `failed` (no
   * answer, 5xx); reason the service's own outcome.
   */
  scrapedCounter(
    GOSSIP_MESSAGES_METRIC,
    'Gossip messages by direction (received, sent), outcome (ok, rejected, failed) and reason (the finer outcome).',
    ['direction', 'outcome', 'reason'],
    (gossip, inc) => {
      const { inbound, outbound } = gossip.messageCounters;
      for (const reason of GOSSIP_INBOUND_OUTCOMES) inc({ direction: 'received', outcome: INBOUND[reason], reason }, inbound[reason]);
      for (const reason of GOSSIP_OUTBOUND_OUTCOMES) inc({ direction: 'sent', outcome: OUTBOUND[reason], reason }, outbound[reason]);
    },
  ),
  /**
   * Indirect probes (SWIM ping-req). `own`: probes this node ran after a failed exchange, ending
   * `reached` (a relay reached the member, or it was heard from since) or `suspected`; `relayed`:
   * probe requests of other members, `run` or `declined`.
   */
  scrapedCounter(
    GOSSIP_PROBES_METRIC,
    'Indirect gossip probes by role (own, relayed) and outcome (reached, suspected; run, declined).',
    ['role', 'outcome'],
    (gossip, inc) => {
      const counters = gossip.probeCounters;
      for (const { key, role, outcome } of PROBE_SERIES) inc({ role, outcome }, counters[key]);
    },
  ),
  /** Members this node knows by its local judgement, itself excluded. */
  scrapedGauge(GOSSIP_MEMBERS_METRIC, 'Gossip members this node knows, by state (alive, suspect, dead, left), itself excluded.', ['state'], (gossip, set) => {
    const counts = gossip.memberStates();
    for (const state of MEMBER_STATES) set({ state }, counts[state]);
  }),
  /** Round trips (request sent to answer read) of answered exchanges this node started. */
  scrapedHistogram(GOSSIP_RTT_METRIC, 'Round trip of an answered gossip exchange this node started, milliseconds.', [], (gossip) => [
    { labels: {}, histogram: gossip.rtt },
  ]),
  /** Member entries per gossip message (one page of the list). */
  scrapedHistogram(GOSSIP_MESSAGE_MEMBERS_METRIC, 'Member entries per gossip message, by direction (sent, received).', ['direction'], (gossip) => [
    { labels: { direction: 'sent' }, histogram: gossip.messageMembers.sent },
    { labels: { direction: 'received' }, histogram: gossip.messageMembers.received },
  ]),
];
