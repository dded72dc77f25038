import { GossipAddressPolicy, GossipProtocol, type GossipMemberInfo } from '@omnirelay/mesh-gossip';
import { PlainHistogram } from '@internal/mesh-gossip/telemetry/plain-histogram';
import { HostConfigError, parseHostConfig } from '../../dist/apps/control-plane/host-config';

const info = (i: number): GossipMemberInfo => ({
  nodeId: `node-${i}`,
  url: `http://127.0.0.1:${20_000 + i}`,
  role: 'control-plane',
  cluster: 'local',
  region: 'local',
  meshVersion: '1.4.0',
  http3: false,
  labels: {},
});

describe('gossip telemetry', () => {
  it('a plain histogram counts each value in the first bucket that holds it, cumulative like Prometheus, +Inf last', () => {
    const histogram = new PlainHistogram([1, 10, 100]);
    for (const value of [0.5, 1, 2, 10, 50, 1000]) histogram.observe(value);
    expect(histogram.cumulative()).toEqual([
      { le: '1', value: 2 },
      { le: '10', value: 4 },
      { le: '100', value: 5 },
      { le: '+Inf', value: 6 },
    ]);
    expect(histogram.count).toBe(6);
    expect(histogram.sum).toBe(1063.5);
  });

  it('the protocol records the member entries of each message it writes and reads', () => {
    const policy = new GossipAddressPolicy(['127.0.0.0/8']);
    const a = new GossipProtocol(info(1), 1, { policy });
    const b = new GossipProtocol(info(2), 1, { policy });
    a.membership.setSelfUrl(info(1).url);
    b.membership.setSelfUrl(info(2).url);
    const { body, nonce } = a.request(1000);
    const { reply } = b.receive(JSON.parse(body), 1000);
    if (reply === undefined) throw new Error('a plain request is answered at once');
    a.acceptReply(JSON.parse(reply), nonce, 1000);
    expect(a.messageMembers.sent.count).toBe(1);
    expect(b.messageMembers.received.count).toBe(1);
    expect(b.messageMembers.sent.count).toBe(1);
    // b's answer carries b itself and a, whom it has just learnt about.
    expect(a.messageMembers.received.sum).toBe(2);
  });

  it('--log-format takes text (default) or json, and refuses anything else', () => {
    expect(parseHostConfig([], {}).config.logFormat).toBe('text');
    expect(parseHostConfig(['--log-format', 'json'], {}).config.logFormat).toBe('json');
    expect(parseHostConfig([], { LOG_FORMAT: 'json' }).config.logFormat).toBe('json');
    expect(() => parseHostConfig(['--log-format', 'yaml'], {})).toThrow(HostConfigError);
  });
});
