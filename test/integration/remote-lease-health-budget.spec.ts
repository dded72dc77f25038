import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RemoteLeaseHealthProvider, type RemoteLeaseHealthProviderOptions } from '@omnirelay/peer-health';

/**
 * The remote provider's bounds across hosts: a per-host peer cap, one budget of peers and body bytes
 * for every host of a read, bodies parsed a slice at a time, and a host judged by when its answer
 * arrived. The hosts are plain Node HTTP servers answering what each test tells them.
 */

const NEVER = '0001-01-01T00:00:00+00:00';

function peer(peerId: string): Record<string, unknown> {
  return {
    peerId,
    lastHeartbeat: NEVER,
    isHealthy: true,
    activeAssignments: 1,
    pendingReassignments: 0,
    activeLeases: [{ sequenceId: 1, attempt: 1, leaseId: '00000000-0000-4000-8000-000000000001' }],
    metadata: { 'mesh.role': 'worker' },
  };
}

/** A valid lease-health body of `count` peers named `<prefix>-<i>`. */
function body(prefix: string, count: number): string {
  const peers = Array.from({ length: count }, (_, i) => peer(`${prefix}-${String(i).padStart(6, '0')}`));
  return JSON.stringify({ peers, summary: { eligiblePeers: count, unhealthyPeers: 0, pendingReassignments: 0 } });
}

const servers: Server[] = [];

/** A host answering `answer()` to every GET; `onSent` runs once the answer is handed to the kernel. */
async function host(answer: () => string, onSent?: () => void): Promise<string> {
  const server = createServer((_request: IncomingMessage, response: ServerResponse) => {
    const text = answer();
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    response.end(text, () => onSent?.());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
});

const providers: RemoteLeaseHealthProvider[] = [];
function provider(options: RemoteLeaseHealthProviderOptions): RemoteLeaseHealthProvider {
  const made = new RemoteLeaseHealthProvider({ timeoutMs: 5000, ...options });
  providers.push(made);
  return made;
}
afterEach(() => {
  for (const made of providers.splice(0)) made.onApplicationShutdown();
});

describe('RemoteLeaseHealthProvider bounds across hosts', () => {
  it('leaves out a host answering more peers than maxPeersPerTarget, and serves the others', async () => {
    const big = await host(() => body('big', 30));
    const small = await host(() => body('small', 10));
    const answer = await provider({ targets: [big, small], maxPeersPerTarget: 20 }).partialSnapshot();
    expect(answer.snapshots.map((s) => s.peerId.split('-')[0])).toEqual(Array.from({ length: 10 }, () => 'small'));
    expect(answer.missingSources).toEqual([{ source: big, reason: 'answered more than 20 peers (the per-host limit)' }]);
  });

  it('serves at most maxTotalPeers peers of all hosts in one read; a host past the budget is left out whole', async () => {
    const urls = [await host(() => body('a', 10)), await host(() => body('b', 10)), await host(() => body('c', 10))];
    const answer = await provider({ targets: urls, maxTotalPeers: 25 }).partialSnapshot();
    expect(answer.snapshots).toHaveLength(20);
    expect(answer.missingSources).toHaveLength(1);
    expect(answer.missingSources[0]?.reason).toBe('over the budget of 25 peers for all hosts of one read');
    // Each host's answer is used entirely or not at all.
    const counts = new Map<string, number>();
    for (const s of answer.snapshots) counts.set(s.peerId.split('-')[0] ?? '', (counts.get(s.peerId.split('-')[0] ?? '') ?? 0) + 1);
    expect([...counts.values()]).toEqual([10, 10]);
  });

  it('reads at most maxTotalBodyBytes of all hosts in one read', async () => {
    const text = body('x', 200);
    const size = Buffer.byteLength(text);
    const urls = [await host(() => text), await host(() => text.replace(/"x-/g, '"y-')), await host(() => text.replace(/"x-/g, '"z-'))];
    const answer = await provider({ targets: urls, maxTotalBodyBytes: Math.floor(size * 2.5) }).partialSnapshot();
    expect(answer.missingSources.length).toBeGreaterThanOrEqual(1);
    for (const missing of answer.missingSources) expect(missing.reason).toBe(`over the budget of ${Math.floor(size * 2.5)} body bytes for all hosts of one read`);
    expect(answer.snapshots.length).toBe((3 - answer.missingSources.length) * 200);
  });

  it('gives the event loop turns while it parses a large body', async () => {
    const url = await host(() => body('many', 30_000));
    let turns = 0;
    let reading = true;
    const spin = (): void => {
      turns++;
      if (reading) setImmediate(spin);
    };
    setImmediate(spin);
    const answer = await provider({ targets: [url] }).partialSnapshot();
    reading = false;
    expect(answer.snapshots).toHaveLength(30_000);
    expect(answer.missingSources).toEqual([]);
    // Parsed in slices: other work ran between them (a single JSON.parse would allow none while it runs).
    expect(turns).toBeGreaterThan(10);
  });

  it('parses what JSON allows and refuses what it does not, whole', async () => {
    const good = `  {"extra":{"nested":[1,2,{"a":"]}"}]},"summary":{"eligiblePeers":1,"unhealthyPeers":0,"pendingReassignments":0} ,\n "peers" : [ ${JSON.stringify(peer('q"uote'))} ] }  `;
    const accepted = await provider({ targets: [await host(() => good)] }).partialSnapshot();
    expect(accepted.missingSources).toEqual([]);
    expect(accepted.snapshots.map((s) => s.peerId)).toEqual(['q"uote']);
    const refusals: Array<[string, RegExp]> = [
      [`${body('a', 2)} trailing`, /bytes after the document/],
      [body('a', 2).replace('],"summary"', '],"peers":[],"summary"'), /peers appears twice/],
      [body('a', 2).replace('}],"summary"', '},],"summary"'), /not JSON in peers\[2\]/],
      [body('a', 2).replace('{"peers"', '{,"peers"'), /expected a field name/],
      [body('a', 2).replace('{"peers"', `{"padding":"${'p'.repeat(70 * 1024)}","peers"`), /padding is longer than 65536 bytes/],
      [body('a', 2).replace('"a-000001"', '"a-000000"'), /appears twice/],
      [JSON.stringify({ peers: [peer('p')] }), /summary is undefined/],
      [body('a', 2).slice(0, -5), /not JSON/],
    ];
    for (const [text, reason] of refusals) {
      const answer = await provider({ targets: [await host(() => text)] }).partialSnapshot();
      expect(answer.snapshots).toEqual([]);
      expect(answer.missingSources[0]?.reason).toMatch(reason);
    }
  });

  it('counts a host that answered in time as present, even when the event loop was busy past its deadline', async () => {
    const timeoutMs = 300;
    // The host hands its answer to the kernel, then this process is blocked past the read's deadline
    // before it can read it: the timer fires late, after the answer arrived.
    const url = await host(
      () => body('late', 5),
      () => {
        const until = Date.now() + timeoutMs + 400;
        while (Date.now() < until) {
          // busy: the event loop is held, as by a long synchronous task
        }
      },
    );
    const answer = await provider({ targets: [url], timeoutMs }).partialSnapshot();
    expect(answer.missingSources).toEqual([]);
    expect(answer.snapshots).toHaveLength(5);
  });
});
