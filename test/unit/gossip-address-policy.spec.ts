import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  GossipAddressPolicy,
  GossipAddressRefused,
  GossipAllowError,
  GossipProtocol,
  type GossipDigestEntry,
} from '@omnirelay/mesh-gossip';
import { GossipHttpClient } from '@internal/mesh-gossip/gossip-http-client';
import { isForbiddenAddress } from '@internal/mesh-gossip/security/gossip-address-policy';
import { gossipEntry } from '../support/gossip-entry';


describe('gossip address allow-list', () => {
  it('by default allows loopback and the networks of the seeds, nothing else', () => {
    const policy = GossipAddressPolicy.forSeeds(['http://10.1.2.3:8080', 'https://seed.mesh.internal:8443', 'http://[fd12::5]:80']);
    for (const url of ['http://127.0.0.1:1', 'http://127.9.9.9:1', 'http://[::1]:8080', 'http://localhost:80', 'http://10.1.2.200:8080', 'https://seed.mesh.internal', 'http://[fd12::ffff]:1']) {
      expect([url, policy.allowsUrl(url)]).toEqual([url, true]);
    }
    for (const url of ['http://10.1.3.1:8080', 'http://192.168.0.1', 'https://other.mesh.internal', 'http://[fd13::1]:1', 'http://8.8.8.8']) {
      expect([url, policy.allowsUrl(url)]).toEqual([url, false]);
    }
  });

  it('never allows link-local or metadata addresses, however written, even inside an allowed CIDR', () => {
    const policy = new GossipAddressPolicy(['0.0.0.0/1', '128.0.0.0/1', '::/0', 'metadata.example.com', '*.internal']);
    for (const url of [
      'http://169.254.169.254/',
      'http://169.254.0.1:80',
      'http://[fe80::1]:80',
      'http://[::ffff:169.254.169.254]/',
      'http://[::ffff:a9fe:a9fe]/',
      'http://[fd00:ec2::254]/',
      'http://100.100.100.200/',
      'http://metadata.google.internal/',
      'http://0.0.0.0:80',
    ]) {
      expect([url, policy.allowsUrl(url)]).toEqual([url, false]);
    }
    expect(policy.allowsUrl('http://10.0.0.1:80')).toBe(true);
    expect(policy.allowsUrl('http://node-1.internal:80')).toBe(true);
    expect(isForbiddenAddress('169.254.169.254')).toBe(true);
  });

  it('allows only http and https, without credentials', () => {
    const policy = new GossipAddressPolicy(['127.0.0.0/8']);
    for (const url of ['ftp://127.0.0.1/', 'file:///etc/passwd', 'http://user:pw@127.0.0.1/', 'not a url']) expect(policy.allowsUrl(url)).toBe(false);
    expect(policy.allowsUrl('https://127.0.0.1:8443')).toBe(true);
  });

  it('refuses allow-list entries that are malformed or name a link-local or metadata address', () => {
    for (const entry of ['169.254.0.0/16', '169.254.169.254', 'fe80::/10', 'metadata.google.internal', '10.0.0.0/33', 'not_a host', '1.2.3.4/x']) {
      expect(() => new GossipAddressPolicy([entry])).toThrow(GossipAllowError);
    }
  });

  it('drops members advertising an address that is not allowed, and counts them', () => {
    const node = new GossipProtocol(gossipEntry('self', 'http://127.0.0.1:1'), 1, { policy: new GossipAddressPolicy(['127.0.0.0/8']) });
    const body = JSON.parse(
      new GossipProtocol(gossipEntry('peer', 'http://127.0.0.1:2'), 1, { policy: new GossipAddressPolicy(['127.0.0.0/8']) }).request(Date.now()).body,
    ) as { members: GossipDigestEntry[] };
    body.members.push(gossipEntry('imds', 'http://169.254.169.254'), gossipEntry('far', 'http://10.0.0.1:80'));
    node.receive(body, Date.now());
    expect(node.membership.view(0).map((m) => m.nodeId)).toEqual(['peer', 'self']);
    expect(node.counters.refusedAddresses).toBe(2);
  });
});

describe('the gossip HTTP client', () => {
  let server: Server;
  let hits = 0;
  let port = 0;
  beforeAll(async () => {
    server = createServer((request, response) => {
      hits++;
      request.resume();
      request.on('end', () => {
        if (request.url === '/control/gossip' && request.method === 'POST') {
          response.setHeader('content-type', 'application/json');
          response.end(JSON.stringify({ ok: true, authorization: request.headers.authorization ?? null, pad: 'x'.repeat(Number(request.headers['content-length'] ?? 0)) }));
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));

  it('never sends to an address the allow-list refuses', async () => {
    const client = new GossipHttpClient(new GossipAddressPolicy(['127.0.0.0/8']), 1000, 1024);
    await expect(client.post('http://169.254.169.254', '{}')).rejects.toBeInstanceOf(GossipAddressRefused);
    await expect(client.post(`http://localhost:${port}`, '{}')).rejects.toBeInstanceOf(GossipAddressRefused);
    expect(hits).toBe(0);
    const reply = await client.post(`http://127.0.0.1:${port}`, '{}');
    expect(reply).toMatchObject({ status: 200, body: { ok: true } });
    expect(hits).toBe(1);
  });

  it('sends no credential: gossip is authenticated by its envelope, so a member gets nothing to act as this node with', async () => {
    const client = new GossipHttpClient(new GossipAddressPolicy(['127.0.0.0/8']), 1000, 4096);
    const reply = await client.post(`http://127.0.0.1:${port}`, '{}');
    expect(reply).toMatchObject({ status: 200, body: { ok: true, authorization: null } });
  });

  it('stops reading an answer longer than its bound', async () => {
    const client = new GossipHttpClient(new GossipAddressPolicy(['127.0.0.0/8']), 2000, 1024);
    await expect(client.post(`http://127.0.0.1:${port}`, 'x'.repeat(4096))).rejects.toThrow(/longer than 1024 bytes/);
  });
});
