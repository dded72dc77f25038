import { GossipAddressPolicy, GossipAllowError, GossipProtocol, type GossipDigestEntry } from '@omnirelay/mesh-gossip';
import { GossipPortBook, GOSSIP_PORTS_MAX } from '@internal/mesh-gossip/security/gossip-ports';
import { gossipEntry } from '../support/gossip-entry';

/** The allow-list's ports: explicit `host:port`, and the gossip ports for entries without one. */
const NOW = 1_800_000_000_000;
const entry = (nodeId: string, url: string, over: Partial<GossipDigestEntry> = {}) => gossipEntry(nodeId, url, over);

describe('allow-list entries with ports', () => {
  it('admits exactly the ports an entry names: one, a range, or any', () => {
    const policy = new GossipAddressPolicy(['10.0.0.0/8:7400', 'node.mesh:7400-7409', '[fd00::]/8:8080', '[::1]:9000', '192.168.1.5:*'], { hostOnlyPorts: 'gossip' });
    for (const [url, allowed] of [
      ['http://10.1.2.3:7400', true],
      ['http://10.1.2.3:2379', false],
      ['http://10.1.2.3', false],
      ['https://node.mesh:7409', true],
      ['https://node.mesh:7410', false],
      ['http://[fd00::1]:8080', true],
      ['http://[fd00::1]:8081', false],
      ['http://[::1]:9000', true],
      ['http://192.168.1.5:2379', true],
      ['http://192.168.1.6:2379', false],
    ] as const) {
      expect([url, policy.allowsUrl(url)]).toEqual([url, allowed]);
    }
  });

  it('refuses a port that is not a number, a range low to high, or *', () => {
    for (const bad of ['10.0.0.0/8:', '10.0.0.1:http', '10.0.0.1:0', '10.0.0.1:70000', 'node:9-1', '[fd00::1]8080', '[fd00::1']) {
      expect(() => new GossipAddressPolicy([bad])).toThrow(GossipAllowError);
    }
  });

  it('an entry without a port admits the gossip ports only: the seeds\', then those learned', () => {
    const policy = GossipAddressPolicy.forSeeds(['http://127.0.0.1:7400'], 'gossip');
    expect(policy.allowsUrl('http://127.0.0.1:7400')).toBe(true);
    expect(policy.allowsUrl('http://127.0.0.1:2379')).toBe(false);
    expect(policy.allowsHostOf('http://127.0.0.1:2379')).toBe(true);
    policy.ports.learn(2379);
    expect(policy.allowsUrl('http://127.0.0.1:2379')).toBe(true);
    // Without the gossip rule (in-memory simulations), an entry without a port admits any port.
    expect(GossipAddressPolicy.forSeeds(['http://127.0.0.1:7400']).allowsUrl('http://127.0.0.1:2379')).toBe(true);
  });

  it(`learns at most ${GOSSIP_PORTS_MAX} ports`, () => {
    const book = new GossipPortBook();
    for (let port = 1; port <= GOSSIP_PORTS_MAX + 5; port++) book.learn(port);
    expect(book.size).toBe(GOSSIP_PORTS_MAX);
    expect(book.refused).toBe(5);
    expect(book.has(GOSSIP_PORTS_MAX + 1)).toBe(false);
  });
});

describe('which ports the protocol learns', () => {
  const node = () =>
    new GossipProtocol(entry('self', 'http://127.0.0.1:7000'), 1, {
      policy: new GossipAddressPolicy(['127.0.0.0/8'], { hostOnlyPorts: 'gossip' }),
      seeds: ['http://127.0.0.1:7001'],
    });
  const ids = (protocol: GossipProtocol) => protocol.membership.view(NOW).map((m) => m.nodeId);

  it('a member speaking for itself opens its own port; one introduced by a non-seed third party at a new port is refused', () => {
    const protocol = node();
    protocol.receive({ from: 'a', members: [entry('a', 'http://127.0.0.1:7002'), entry('etcd', 'http://127.0.0.1:2379')] }, NOW);
    expect(ids(protocol)).toEqual(['a', 'self']);
    expect(protocol.counters.refusedAddresses).toBe(1);
    // Its own port and this node's were gossip ports: a member there introduced by anyone is accepted.
    protocol.receive({ from: 'a', members: [entry('b', 'http://127.0.0.1:7000')] }, NOW);
    expect(ids(protocol)).toEqual(['a', 'b', 'self']);
  });

  it("the seed introduces members at new ports", () => {
    const protocol = node();
    const { nonce } = protocol.request(NOW);
    protocol.acceptReply({ from: 'seed', members: [entry('seed', 'http://127.0.0.1:7001'), entry('c', 'http://127.0.0.1:7003')], replyTo: nonce }, nonce, NOW, 'http://127.0.0.1:7001');
    expect(ids(protocol)).toEqual(['c', 'seed', 'self']);
    // Once known at the seed URL, the seed's own requests introduce members too.
    protocol.receive({ from: 'seed', members: [entry('d', 'http://127.0.0.1:7004')] }, NOW);
    expect(ids(protocol)).toEqual(['c', 'd', 'seed', 'self']);
  });
});
