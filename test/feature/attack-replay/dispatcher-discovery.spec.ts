import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startExecutable, type RunningHost } from '../../support/executable-process';
import { exchange, figures, rssMb } from '../../support/attack-replay';
import { gossipEntry } from '../../support/gossip-entry';

/**
 * Attack 4 of issue 17: a control-plane node discovering dispatchers through gossip is told, by a
 * third party, about a "dispatcher" at an address the attacker controls, which would answer 100,000
 * fake peers. Replayed against the single executable (an unsigned loopback mesh: anyone may gossip,
 * which is the strongest position for the attacker).
 */

const NEVER = '0001-01-01T00:00:00+00:00';

interface Member {
  nodeId: string;
  firstHand: boolean;
}

let node: RunningHost;
let fake: Server;
let fakeUrl = '';
const leaseHealthReads: string[] = [];

function fakePeers(count: number): string {
  const peers = Array.from({ length: count }, (_, i) => `{"peerId":"fake-${i}","lastHeartbeat":"${NEVER}","isHealthy":true,"activeAssignments":0,"pendingReassignments":0,"activeLeases":[],"metadata":{}}`);
  return `{"peers":[${peers.join(',')}],"summary":{"eligiblePeers":${count},"unhealthyPeers":0,"pendingReassignments":0}}`;
}

beforeAll(async () => {
  const body = fakePeers(100_000);
  // The attacker's "dispatcher": it serves fake lease health, and never speaks gossip for itself.
  fake = createServer((request, response) => {
    if (request.method === 'GET' && request.url?.startsWith('/omnirelay/control/lease-health')) {
      leaseHealthReads.push(request.headers.authorization ?? '');
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      response.end(body);
      return;
    }
    request.resume();
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', () => resolve()));
  fakeUrl = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
  // Any loopback port may be advertised (--gossip-allow 127.0.0.1:*), so what keeps the fake out is
  // first-hand discovery alone, not the allow-list's gossip ports.
  node = await startExecutable({ args: ['--role', 'control-plane', '--node-id', 'cp-discovery'], env: { GOSSIP_INTERVAL_MS: '200', GOSSIP_ALLOW: '127.0.0.1:*' } });
}, 60_000);

afterAll(async () => {
  await node?.stop();
  await new Promise<void>((resolve) => fake.close(() => resolve()));
});

describe('attack 4: dispatcher discovery trusts hearsay', () => {
  it('a dispatcher only a third party vouched for is never read', async () => {
    const rssBefore = rssMb(node.pid);
    const introduced = await exchange(`${node.url}/control/gossip`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: 'mallory', members: [gossipEntry('fake-dispatcher', fakeUrl, { role: 'dispatcher' })] }),
    });
    expect(introduced.status).toBe(200);
    // Known to the node (second-hand) ...
    const peers = JSON.parse((await exchange(`${node.url}/control/peers`)).body) as { members: Member[] };
    expect(peers.members.find((member) => member.nodeId === 'fake-dispatcher')).toMatchObject({ firstHand: false });
    // ... but over a dozen gossip rounds and reads, never read as a dispatcher.
    let served = 0;
    for (let i = 0; i < 12; i++) {
      const answer = await exchange(`${node.url}/omnirelay/control/lease-health`, { timeoutMs: 20_000 });
      expect(answer.status).toBe(200);
      served = Math.max(served, (JSON.parse(answer.body) as { peers: Array<{ peerId: string }> }).peers.filter((peer) => /^fake-\d+$/.test(peer.peerId)).length);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    figures('hearsay dispatcher (100,000 fake peers)', {
      fakeReads: leaseHealthReads.length,
      fakePeersServed: served,
      rssBeforeMb: rssBefore,
      rssAfterMb: rssMb(node.pid),
    });
    expect(leaseHealthReads).toEqual([]);
    expect(served).toBe(0);
  }, 60_000);
});
