import type { GossipDigestEntry } from '@omnirelay/mesh-gossip';

/**
 * A member's digest entry as the gossip tests write them: a worker of cluster `local`, region `eu`,
 * without labels, alive at incarnation 1 and heartbeat 1. Each test overrides what it is about.
 */
export function gossipEntry(nodeId: string, url: string, over: Partial<GossipDigestEntry> = {}): GossipDigestEntry {
  return {
    nodeId,
    url,
    role: 'worker',
    cluster: 'local',
    region: 'eu',
    meshVersion: '1.4.0',
    http3: false,
    labels: {},
    incarnation: 1,
    heartbeat: 1,
    state: 'alive',
    ...over,
  };
}
