// Child process of federation-budget.bench: eight plain node:http hosts, each answering a valid
// lease-health body of PEERS peers (about 160 bytes each); prints {"urls":[...],"bytes":N} once listening.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const NEVER = '0001-01-01T00:00:00+00:00';
const PEERS = Number(process.argv[2] ?? '100000');
const HOSTS = 8;

function body(prefix: string): Buffer {
  const parts: string[] = [];
  for (let i = 0; i < PEERS; i++) {
    parts.push(`{"peerId":"${prefix}-${String(i).padStart(7, '0')}","lastHeartbeat":"${NEVER}","isHealthy":true,"activeAssignments":0,"pendingReassignments":0,"activeLeases":[],"metadata":{}}`);
  }
  return Buffer.from(`{"peers":[${parts.join(',')}],"summary":{"eligiblePeers":${PEERS},"unhealthyPeers":0,"pendingReassignments":0}}`);
}

async function main(): Promise<void> {
  const urls: string[] = [];
  let bytes = 0;
  for (let h = 0; h < HOSTS; h++) {
    const answer = body(`h${h}`);
    bytes = answer.length;
    const server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': answer.length }).end(answer);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    urls.push(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  }
  process.stdout.write(`${JSON.stringify({ urls, bytes })}\n`);
}

void main();
