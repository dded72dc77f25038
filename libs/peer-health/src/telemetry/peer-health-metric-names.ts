/** Prometheus metric names. The first six are the seed system's and must not change. */
export const PEER_HEALTH_METRICS = {
  healthy: 'omnirelay_peer_lease_healthy',
  unhealthy: 'omnirelay_peer_lease_unhealthy',
  pendingReassignments: 'omnirelay_peer_lease_pending_reassignments',
  assignments: 'omnirelay_peer_lease_assignments_total',
  heartbeats: 'omnirelay_peer_lease_heartbeats_total',
  disconnects: 'omnirelay_peer_lease_disconnects_total',
  releases: 'omnirelay_peer_lease_releases_total',
  gossipUpdates: 'omnirelay_peer_health_gossip_updates_total',
  trackedPeers: 'omnirelay_peer_health_tracked_peers',
  transitions: 'omnirelay_peer_health_transitions_total',
  anomalies: 'omnirelay_peer_health_anomalies_total',
  watchers: 'omnirelay_peer_health_watchers',
  producerChannels: 'omnirelay_peer_health_producer_channels',
  producerEventsApplied: 'omnirelay_peer_health_producer_events_applied_total',
  producerWaits: 'omnirelay_peer_health_producer_waits_total',
  producerChannelsDropped: 'omnirelay_peer_health_producer_channels_dropped_total',
} as const;
