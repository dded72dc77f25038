import {
  GOSSIP_LEFT_REASON,
  gossipMemberMetadata,
  leadershipMetadataKey,
  ManualClock,
  PeerLeaseHealthTracker,
  recordGossipMember,
  recordLeadership,
} from '@omnirelay/peer-health';

describe('gossip enrichment', () => {
  it('maps a member to mesh.* and label.* metadata', () => {
    expect({
      ...gossipMemberMetadata({
        nodeId: 'cp-1',
        role: 'control-plane',
        cluster: 'local',
        region: 'dev',
        meshVersion: '1.4.0',
        http3: true,
        labels: { zone: 'a', tier: 'gold' },
      }),
    }).toEqual({
      'mesh.role': 'control-plane',
      'mesh.cluster': 'local',
      'mesh.region': 'dev',
      'mesh.version': '1.4.0',
      'mesh.http3': 'true',
      'label.zone': 'a',
      'label.tier': 'gold',
    });
  });

  it('writes http3 false as "false", takes labels from a Map, and leaves absent fields out', () => {
    expect({ ...gossipMemberMetadata({ nodeId: 'w', http3: false, labels: new Map([['pool', 'blue']]) }) }).toEqual({
      'mesh.http3': 'false',
      'label.pool': 'blue',
    });
  });

  it('records into the tracker case-insensitively: a re-gossiped label with another spelling updates the entry', () => {
    const tracker = new PeerLeaseHealthTracker({ clock: new ManualClock(0) });
    recordGossipMember(tracker, { nodeId: 'cp-1', role: 'worker', labels: { Zone: 'a' } });
    recordGossipMember(tracker, { nodeId: 'cp-1', role: 'control-plane', labels: { zone: 'b' } });
    expect({ ...tracker.snapshot()[0]?.metadata }).toEqual({ 'label.Zone': 'b', 'mesh.role': 'control-plane' });
  });

  it('records leadership labels as leader or follower per scope', () => {
    const tracker = new PeerLeaseHealthTracker({ clock: new ManualClock(0) });
    recordLeadership(tracker, 'cp-1', 'global', 'leader');
    recordLeadership(tracker, 'cp-1', 'shard-00', 'follower');
    recordLeadership(tracker, 'cp-1', 'global', 'follower');
    expect(leadershipMetadataKey('global')).toBe('mesh.leader.scope.global');
    expect({ ...tracker.snapshot()[0]?.metadata }).toEqual({
      'mesh.leader.scope.global': 'follower',
      'mesh.leader.scope.shard-00': 'follower',
    });
  });

  it('names the disconnect reason of a member that left gossip-left', () => {
    expect(GOSSIP_LEFT_REASON).toBe('gossip-left');
  });
});
