// fleet: what a fleet-view read costs the reading host, per remote host of 10,000 peers: a full
// 200 (body read, checked and turned into snapshots) against a 304 (the last parsed answer reused),
// and the whole merged render (tracker + remote provider) on top of it: merged again after a source
// changed, the kept body when none did, and a 304 to a reader naming the kept ETag. The remote host is a plain
// node:http server answering a pre-rendered body, so only the reading side is measured.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ManualClock,
  PeerHealthDiagnosticsService,
  PeerLeaseHealthDiagnostics,
  PeerLeaseHealthTracker,
  RemoteLeaseHealthProvider,
  serializeLeaseHealth,
} from '@omnirelay/peer-health';
import { median, record } from './support/results';
import { peerIdOf } from './support/workload';

const T0 = Date.UTC(2026, 10, 24, 9, 30);
const PEERS = 10_000;
const ROUNDS = 15;

function remoteBody(): string {
  const clock = new ManualClock(T0);
  const tracker = new PeerLeaseHealthTracker({ clock, heartbeatGracePeriodMs: 60_000 });
  for (let i = 0; i < PEERS; i++) {
    tracker.recordLeaseAssignment(peerIdOf(i), { sequenceId: i, attempt: 1, leaseId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}` }, 'job', `job-${i}`);
  }
  const body = serializeLeaseHealth(PeerLeaseHealthDiagnostics.fromSnapshots(tracker.snapshot()));
  tracker.dispose();
  return body;
}

async function main(): Promise<void> {
  const body = remoteBody();
  // The tag changes when `fresh` is set, as a dispatcher's does on any change.
  let version = 1;
  const server: Server = createServer((request, response) => {
    const etag = `"bench.${version}"`;
    if (request.headers['if-none-match'] === etag) {
      response.writeHead(304, { etag }).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', etag, 'content-length': Buffer.byteLength(body) }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new RemoteLeaseHealthProvider({ targets: [url], timeoutMs: 30_000 });
  const clock = new ManualClock(T0);
  const tracker = new PeerLeaseHealthTracker({ clock, heartbeatGracePeriodMs: 60_000 });
  for (let i = 0; i < 100; i++) tracker.recordGossip(`node-${i}`, { 'mesh.role': 'control-plane' });
  const service = new PeerHealthDiagnosticsService([tracker, provider], tracker, { providerTimeoutMs: 30_000, telemetry: { enabled: false, registry: undefined } });

  const time = async (changed: boolean, run: () => Promise<unknown>): Promise<number> => {
    const times: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      if (changed) version++;
      const started = process.hrtime.bigint();
      await run();
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    return median(times);
  };
  const full = await time(true, () => provider.partialSnapshot());
  const reused = await time(false, () => provider.partialSnapshot());
  // A local change before every read (a gossip member's metadata), the remote answering 304: the merged
  // body is built again, which is what every read cost before the merged body was kept.
  let change = 0;
  const renderChanged = await time(false, () => {
    tracker.recordGossip('node-0', { 'mesh.role': 'control-plane', round: String(++change) });
    return service.render();
  });
  const render = await time(false, () => service.render());
  const etag = (await service.render()).etag;
  const conditional = await time(false, () => service.render(undefined, etag));
  record({ name: 'fleet-remote-read 200 (parse + check)', peers: PEERS, value: full, unit: 'ms', baseline: null, ratio: null, target: '(reported)', met: null });
  record({
    name: 'fleet-remote-read 304 (reuse)',
    peers: PEERS,
    value: reused,
    unit: 'ms',
    baseline: full,
    ratio: full / reused,
    target: 'cheaper than a 200',
    met: reused < full,
  });
  record({ name: 'fleet-render (local change, remote 304: merged again)', peers: PEERS, value: renderChanged, unit: 'ms', baseline: null, ratio: null, target: '(reported)', met: null });
  record({
    name: 'fleet-render (no source changed: kept body)',
    peers: PEERS,
    value: render,
    unit: 'ms',
    baseline: renderChanged,
    ratio: renderChanged / render,
    target: 'cheaper than merging again',
    met: render < renderChanged,
  });
  record({
    name: 'fleet-render 304 (reader names the kept ETag)',
    peers: PEERS,
    value: conditional,
    unit: 'ms',
    baseline: renderChanged,
    ratio: renderChanged / conditional,
    target: 'cheaper than merging again',
    met: conditional < renderChanged,
  });
  provider.onApplicationShutdown();
  tracker.dispose();
  server.close();
}

void main();
