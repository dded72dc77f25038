import { connect, type Socket } from 'node:net';
import { APP_GUARD } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { MeshGossipModule } from '@omnirelay/mesh-gossip';
import { PeerHealthModule } from '@omnirelay/peer-health';
import { ResourceLeaseModule } from '@omnirelay/resource-lease';
import { ConnectionGate } from '../../dist/apps/control-plane/connections/connection-gate';
import type { ConnectionGateOptions } from '../../dist/apps/control-plane/connections/connection-gate-options';
import { installRequestDoor, type DoorFastify } from '../../dist/apps/control-plane/connections/request-door';
import { GOSSIP_BODY_LIMIT_BYTES, WORK_BODY_LIMIT_BYTES } from '../../dist/apps/control-plane/connections/route-body-limits';
import { AUTH_TOKEN_TABLE } from '../../dist/apps/control-plane/security/auth-tokens.constants';
import { AuthTokenTable } from '../../dist/apps/control-plane/security/auth-token-table';
import { BearerAuthGuard } from '../../dist/apps/control-plane/security/bearer-auth.guard';

/**
 * The host's door on a real Fastify server: the token checked before the body is read, closing
 * answers, per-route body limits, and the connection gate's caps, eviction and idle timeout.
 */

const ADMIN = 'door-admin-token-0123456789abcdef-0001';
const READER = 'door-reader-token-0123456789abcdef-0002';
const table = AuthTokenTable.parse(
  JSON.stringify({
    tokens: [
      { token: ADMIN, role: 'admin' },
      { token: READER, role: 'reader' },
    ],
  }),
);

interface Door {
  app: NestFastifyApplication;
  port: number;
  gate: ConnectionGate;
}

async function startDoor(gateOptions: Partial<ConnectionGateOptions> = {}): Promise<Door> {
  const adapter = new FastifyAdapter();
  const gate = new ConnectionGate(adapter.getHttpServer(), {
    maxConnections: 64,
    maxConnectionsPerAddress: 64,
    reservedConnections: 4,
    unauthenticatedIdleMs: 60_000,
    authenticates: true,
    ...gateOptions,
  });
  installRequestDoor(adapter.getInstance<DoorFastify>(), table, gate);
  const moduleRef = await Test.createTestingModule({
    imports: [PeerHealthModule.forRoot(), ResourceLeaseModule.forRoot({ leaseDurationMs: 60_000 }), MeshGossipModule.forRoot({ nodeId: 'door-1', role: 'control-plane' })],
    providers: [
      { provide: AUTH_TOKEN_TABLE, useValue: table },
      { provide: APP_GUARD, useClass: BearerAuthGuard },
    ],
  }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(adapter, { logger: false });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return { app, port: address.port, gate };
}

/** A raw connection recording what it received and whether the server closed it. */
interface Raw {
  socket: Socket;
  text: () => string;
  closed: () => boolean;
}

function open(port: number): Promise<Raw> {
  return new Promise((resolve, reject) => {
    let text = '';
    let closed = false;
    const socket = connect(port, '127.0.0.1', () => resolve({ socket, text: () => text, closed: () => closed }));
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
    socket.on('close', () => (closed = true));
    socket.on('error', () => undefined);
    socket.once('error', reject);
  });
}

async function until(what: string, condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const doors: Door[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(doors.splice(0).map((door) => door.app.close()));
});

async function door(options?: Partial<ConnectionGateOptions>): Promise<Door> {
  const made = await startDoor(options);
  doors.push(made);
  return made;
}

async function raw(port: number): Promise<Raw> {
  const made = await open(port);
  sockets.push(made.socket);
  return made;
}

describe('the host door', () => {
  it('answers a request without a token 401 and closes, without waiting for its 10 MB body', async () => {
    const { port } = await door();
    const client = await raw(port);
    client.socket.write('POST /control/work HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10000000\r\n\r\n{"a":');
    await until('the 401 and the close', () => client.closed());
    expect(client.text()).toMatch(/^HTTP\/1\.1 401 /);
    expect(client.text()).toMatch(/\r\nconnection: close\r\n/i);
    expect(client.text()).toMatch(/\r\nwww-authenticate: Bearer/i);
  });

  it('answers a token whose role may not use the route 403 at the door and closes', async () => {
    const { port } = await door();
    const client = await raw(port);
    client.socket.write(`POST /control/work HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${READER}\r\nContent-Type: application/json\r\nContent-Length: 10000000\r\n\r\n`);
    await until('the 403 and the close', () => client.closed());
    expect(client.text()).toMatch(/^HTTP\/1\.1 403 /);
    expect(client.text()).toContain('"error":"forbidden"');
  });

  it('applies each route\'s body limit with 413 and a closed connection; within it, the route answers', async () => {
    const { port } = await door();
    const base = `http://127.0.0.1:${port}`;
    const post = (path: string, bytes: number) =>
      fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
        body: JSON.stringify({ from: 'x', members: [], resourceType: 'job', resourceId: 'big', padding: 'p'.repeat(bytes) }),
      });
    const work = await post('/control/work', WORK_BODY_LIMIT_BYTES);
    expect(work.status).toBe(413);
    expect(work.headers.get('connection')).toBe('close');
    expect((await post('/control/gossip', GOSSIP_BODY_LIMIT_BYTES)).status).toBe(413);
    // Under the gossip route's limit the gossip module itself answers (200 for this unsigned message).
    expect((await post('/control/gossip', 300 * 1024)).status).toBe(200);
    expect((await post('/control/leases', 70 * 1024)).status).toBe(413);
  });

  it('caps connections per address, closing the least recently active idle stranger to make room', async () => {
    const { port, gate } = await door({ maxConnectionsPerAddress: 2 });
    const first = await raw(port);
    const second = await raw(port);
    await until('both counted', () => gate.counters.open === 2);
    const third = await raw(port);
    await until('the oldest idle one closed', () => first.closed());
    expect(second.closed()).toBe(false);
    expect(third.closed()).toBe(false);
    expect(gate.counters.evicted).toBe(1);
  });

  it('never closes an authenticated connection to make room: a newcomer is refused instead', async () => {
    const { port, gate } = await door({ maxConnectionsPerAddress: 2 });
    const known = [await raw(port), await raw(port)];
    for (const client of known) client.socket.write(`GET /control/peers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${READER}\r\n\r\n`);
    await until('both answered', () => known.every((client) => /^HTTP\/1\.1 200 /.test(client.text())));
    const newcomer = await raw(port);
    await until('the newcomer closed', () => newcomer.closed());
    expect(known.every((client) => !client.closed())).toBe(true);
    expect(gate.counters.refused).toBe(1);
  });

  it('keeps the reserved slots from idle strangers, so a probe always gets in', async () => {
    const { port, gate } = await door({ maxConnections: 6, reservedConnections: 2 });
    const idle: Raw[] = [];
    for (let i = 0; i < 8; i++) idle.push(await raw(port));
    // Six slots, two reserved: the strangers keep four; each newcomer past that replaced the oldest.
    await until('four strangers closed', () => idle.filter((client) => client.closed()).length === 4);
    expect(idle.slice(0, 4).every((client) => client.closed())).toBe(true);
    expect(gate.counters.unauthenticated).toBe(4);
    const live = await fetch(`http://127.0.0.1:${port}/peers-do-not-exist`, { headers: { authorization: `Bearer ${READER}` } });
    expect(live.status).toBe(404);
  });

  it('closes a stranger\'s idle connection after the idle timeout, and keeps an authenticated one', async () => {
    const { port, gate } = await door({ unauthenticatedIdleMs: 300 });
    const stranger = await raw(port);
    const known = await raw(port);
    known.socket.write(`GET /control/peers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${READER}\r\n\r\n`);
    await until('the stranger closed', () => stranger.closed(), 5000);
    expect(known.closed()).toBe(false);
    expect(gate.counters.idleClosed).toBe(1);
  });
});
