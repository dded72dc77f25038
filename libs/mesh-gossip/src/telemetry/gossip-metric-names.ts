/** Names of the gossip metrics on `/metrics` (docs/metrics.md). */
export const GOSSIP_MESSAGES_METRIC = 'mesh_gossip_messages_total';
export const GOSSIP_PROBES_METRIC = 'mesh_gossip_probes_total';
export const GOSSIP_MEMBERS_METRIC = 'mesh_gossip_members';
export const GOSSIP_RTT_METRIC = 'mesh_gossip_rtt_ms';
export const GOSSIP_MESSAGE_MEMBERS_METRIC = 'mesh_gossip_message_members';
