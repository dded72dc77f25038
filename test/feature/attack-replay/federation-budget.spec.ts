import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PARTIAL_ANSWER_HEADER } from '@omnirelay/peer-health';
import { startExecutable, type RunningHost } from '../../support/executable-process';
import { exchange, figures, idleLivenessP99, probeLiveness, quantile, rssMb } from '../../support/attack-replay';

/**
 * Attack 3 of issue 17: federated hosts answering huge, valid lease-health bodies. A control-plane
 * node federating eight such hosts is replayed as the single executable; the hosts are plain HTTP
 * servers of this test answering what an attacker (or a runaway dispatcher) would.
 */

const NEVER = '0001-01-01T00:00:00+00:00';

/** A valid lease-health body of `count` peers `<prefix>-<i>` (about 160 bytes per peer). */
function body(prefix: string, count: number): Buffer {
  const parts: string[] = [];
  for (let i = 0; i < count; i++) {
    parts.push(`{"peerId":"${prefix}-${String(i).padStart(7, '0')}","lastHeartbeat":"${NEVER}","isHealthy":true,"activeAssignments":0,"pendingReassignments":0,"activeLeases":[],"metadata":{}}`);
  }
  return Buffer.from(`{"peers":[${parts.join(',')}],"summary":{"eligiblePeers":${count},"unhealthyPeers":0,"pendingReassignments":0}}`);
}

const servers: Server[] = [];
const hosts: RunningHost[] = [];

/** A federated host answering `answer` to every read. */
async function target(answer: Buffer): Promise<string> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': answer.length });
    response.end(answer);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.stop()));
  await Promise.all(servers.splice(0).map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
});

interface LeaseHealth {
  peers: Array<{ peerId: string }>;
}

/** Reads the node's lease health `times` times in a row while a prober in its own process measures /health/live. */
async function replay(node: RunningHost, times: number): Promise<{ reads: Array<{ status: number; partial: string; peers: number }>; p99: number; probes: number[]; rssPeak: number }> {
  const probe = probeLiveness(node.url);
  const reads: Array<{ status: number; partial: string; peers: number }> = [];
  let rssPeak = rssMb(node.pid);
  for (let i = 0; i < times; i++) {
    const answer = await exchange(`${node.url}/omnirelay/control/lease-health`, { timeoutMs: 30_000 });
    rssPeak = Math.max(rssPeak, rssMb(node.pid));
    const partial = answer.headers[PARTIAL_ANSWER_HEADER.toLowerCase()];
    reads.push({
      status: answer.status,
      partial: typeof partial === 'string' ? partial : '',
      peers: answer.status === 200 ? (JSON.parse(answer.body) as LeaseHealth).peers.length : -1,
    });
  }
  const probes = await probe.stop();
  return { reads, p99: quantile(probes.ms, 0.99), probes: probes.statuses, rssPeak };
}

describe('attack 3: federation exhausts memory', () => {
  it('eight hosts each answering 100,000 peers (16 MB): each is refused past the per-host cap; liveness answers throughout', async () => {
    const urls: string[] = [];
    for (let i = 0; i < 8; i++) urls.push(await target(body(`t${i}`, 100_000)));
    const node = await startExecutable({ args: ['--role', 'control-plane', '--node-id', 'cp-fleet', '--federate', urls.join(','), '--federate-timeout-ms', '10000'] });
    hosts.push(node);
    const rssBefore = rssMb(node.pid);
    const idleP99 = await idleLivenessP99(node.url);
    const { reads, p99, probes, rssPeak } = await replay(node, 4);
    figures('federation, 8 hosts x 100,000 peers (16 MB each)', {
      reads: reads.length,
      readStatuses: reads.map((r) => r.status).join('/'),
      livenessProbes: probes.length,
      idleLivenessP99ms: idleP99,
      livenessP99ms: p99,
      rssBeforeMb: rssBefore,
      rssPeakMb: rssPeak,
      rssAfterMb: rssMb(node.pid),
    });
    for (const read of reads) {
      expect(read.status).toBe(200);
      // Every host is named missing (over its 50,000-peer cap or the read's byte budget); none is half used.
      for (const url of urls) expect(read.partial).toContain(`RemoteLeaseHealthProvider(${url})`);
      expect(read.peers).toBeLessThan(10);
    }
    expect(probes.length).toBeGreaterThan(0);
    expect(probes.every((status) => status === 200)).toBe(true);
    // Generous bound (this attack took a node to 1.13 GB): the budget caps what one read holds.
    expect(rssPeak - rssBefore).toBeLessThan(700);
  }, 180_000);

  it('eight hosts of 10,000 peers each under --max-peers 50000: at most 50,000 remote peers are served, the hosts past the budget named', async () => {
    const urls: string[] = [];
    for (let i = 0; i < 8; i++) urls.push(await target(body(`h${i}`, 10_000)));
    const node = await startExecutable({
      args: ['--role', 'control-plane', '--node-id', 'cp-budget', '--max-peers', '50000', '--federate', urls.join(','), '--federate-timeout-ms', '10000'],
    });
    hosts.push(node);
    const idleP99 = await idleLivenessP99(node.url);
    const { reads, p99, probes, rssPeak } = await replay(node, 3);
    figures('federation, 8 hosts x 10,000 peers, --max-peers 50000', {
      servedPeers: reads.map((r) => r.peers).join('/'),
      missingHosts: reads.map((r) => r.partial.split(', ').filter((entry) => entry.startsWith('RemoteLeaseHealthProvider(')).length).join('/'),
      idleLivenessP99ms: idleP99,
      livenessP99ms: p99,
      rssPeakMb: rssPeak,
    });
    for (const read of reads) {
      expect(read.status).toBe(200);
      // The node's own few peers (itself) plus at most the budget of remote ones, whole hosts only.
      expect(read.peers).toBeLessThanOrEqual(50_000 + 10);
      const missing = urls.filter((url) => read.partial.includes(`RemoteLeaseHealthProvider(${url})`)).length;
      expect(missing).toBeGreaterThanOrEqual(3);
      expect(Math.floor(read.peers / 10_000)).toBe(8 - missing);
    }
    expect(probes.every((status) => status === 200)).toBe(true);
  }, 180_000);
});
