import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { ForbiddenException, UnauthorizedException } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { runPeersCli, type CliIo } from '@omnirelay/peer-health/cli';
import { HostConfigError, parseHostConfig } from '../../dist/apps/control-plane/host-config';
import { AuthTokenTable, AuthTokensError } from '../../dist/apps/control-plane/security/auth-token-table';
import { BearerAuthGuard } from '../../dist/apps/control-plane/security/bearer-auth.guard';
import { loadHostSecurity } from '../../dist/apps/control-plane/security/host-security';
import { isLoopbackHost, protectedModeRefusal } from '../../dist/apps/control-plane/security/protected-mode';
import { routeAccess } from '../../dist/apps/control-plane/security/route-access';

const ADMIN = 'admin-token-000000000001-0123456789abcdef';
const READER = 'reader-token-00000000001-0123456789abcdef';
const WORKER_1 = 'worker-1-token-000000001-0123456789abcdef';
const NODE = 'node-token-0000000000001-0123456789abcdef';

const table = AuthTokenTable.parse(
  JSON.stringify({
    tokens: [
      { token: ADMIN, role: 'admin' },
      { token: READER, role: 'reader' },
      { token: WORKER_1, role: 'worker', subject: 'worker-1' },
      { token: NODE, role: 'node', subject: 'cp-1' },
    ],
  }),
);

describe('the tokens file', () => {
  it('finds the principal of a known token and nothing for an unknown one', () => {
    expect(table.find(WORKER_1)).toEqual({ role: 'worker', subject: 'worker-1' });
    expect(table.find(ADMIN)).toEqual({ role: 'admin', subject: undefined });
    expect(table.find(`${ADMIN}x`)).toBeUndefined();
    expect(table.find('')).toBeUndefined();
    expect(table.size).toBe(4);
  });

  it.each([
    ['not JSON', '{tokens', /not JSON/],
    ['no entries', '{"tokens":[]}', /1 to/],
    ['a short token', '{"tokens":[{"token":"short-secret","role":"admin"}]}', /tokens\[0\]\.token/],
    ['a token of 31 characters', `{"tokens":[{"token":"${'x1'.repeat(15)}y","role":"admin"}]}`, /tokens\[0\]\.token must be a string of 32/],
    ['a token of one repeated character', `{"tokens":[{"token":"${'a'.repeat(40)}","role":"admin"}]}`, /tokens\[0\]\.token is one character repeated/],
    [
      'a repeated "tokens" key',
      '{"tokens":[{"token":"a-long-enough-secret-1-0123456789abcdef","role":"reader"}],"tokens":[{"token":"a-long-enough-secret-2-0123456789abcdef","role":"admin"}]}',
      /"tokens" appears twice/,
    ],
    ['a repeated key inside an entry', '{"tokens":[{"token":"a-long-enough-secret-1-0123456789abcdef","role":"reader","r\\u006fle":"admin"}]}', /"role" appears twice/],
    ['an unknown role', '{"tokens":[{"token":"a-long-enough-secret-1-0123456789abcdef","role":"root"}]}', /tokens\[0\]\.role/],
    ['a worker without subject', '{"tokens":[{"token":"a-long-enough-secret-1-0123456789abcdef","role":"worker"}]}', /needs a subject/],
    [
      'a repeated token',
      '{"tokens":[{"token":"a-long-enough-secret-1-0123456789abcdef","role":"reader"},{"token":"a-long-enough-secret-1-0123456789abcdef","role":"admin"}]}',
      /tokens\[1\] repeats/,
    ],
  ])('refuses %s, naming the entry but never the token', (_name, text, message) => {
    let error: unknown;
    try {
      AuthTokenTable.parse(text);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AuthTokensError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('a-long-enough-secret-1-0123456789abcdef');
    expect((error as Error).message).not.toContain('short-secret');
  });
});

describe('the route table', () => {
  it.each([
    ['GET', '/omnirelay/control/lease-health', { kind: 'roles', roles: ['reader', 'node', 'admin'] }],
    ['GET', '/omnirelay/control/lease-health/events', { kind: 'roles', roles: ['reader', 'admin'] }],
    ['HEAD', '/metrics', { kind: 'roles', roles: ['reader', 'admin'] }],
    // Authenticated by its signed envelope, not by a bearer token (the host requires signed gossip with a tokens file).
    ['POST', '/control/gossip', { kind: 'public' }],
    ['POST', '/control/work', { kind: 'roles', roles: ['admin'] }],
    ['POST', '/control/leases', { kind: 'lease-request' }],
    ['POST', '/control/leases/:leaseId/complete', { kind: 'lease-held' }],
    ['POST', '/control/workers/:workerId/heartbeat', { kind: 'idle-heartbeat' }],
    ['GET', '/health/live', { kind: 'public' }],
    ['GET', '/some/new/view', { kind: 'roles', roles: ['reader', 'admin'] }],
    ['DELETE', '/some/new/thing', { kind: 'roles', roles: ['admin'] }],
  ])('%s %s', (method, pattern, access) => {
    expect(routeAccess(method, pattern)).toEqual(access);
  });
});

interface FakeReply {
  headers: Record<string, string>;
  header(name: string, value: string): FakeReply;
}

function contextFor(request: { method: string; url: string; headers?: Record<string, string>; params?: object; body?: unknown }) {
  const reply: FakeReply = {
    headers: {},
    header(name, value) {
      this.headers[name] = value;
      return this;
    },
  };
  const fastifyRequest = { headers: {}, ...request, routeOptions: { url: request.url } };
  return { context: new ExecutionContextHost([fastifyRequest, reply]), reply };
}

describe('the bearer guard', () => {
  const guard = new BearerAuthGuard(table);
  const check = (request: Parameters<typeof contextFor>[0]) => {
    const { context } = contextFor(request);
    return () => guard.canActivate(context);
  };
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  it('lets everything through without a tokens table (the loopback demo)', () => {
    const { context } = contextFor({ method: 'POST', url: '/control/work' });
    expect(new BearerAuthGuard(null).canActivate(context)).toBe(true);
  });

  it('answers 401 with a WWW-Authenticate challenge for a missing, malformed or unknown token', () => {
    for (const headers of [{}, { authorization: 'Basic abc' }, { authorization: 'Bearer' }, bearer('unknown-token-00000000')]) {
      const { context, reply } = contextFor({ method: 'GET', url: '/metrics', headers });
      expect(() => guard.canActivate(context)).toThrow(UnauthorizedException);
      expect(reply.headers['WWW-Authenticate']).toMatch(/^Bearer/);
    }
  });

  it('never puts the presented token into its answer', async () => {
    const { context } = contextFor({ method: 'GET', url: '/metrics', headers: bearer('leaked-secret-value-123') });
    try {
      await guard.canActivate(context);
    } catch (error) {
      expect(JSON.stringify((error as UnauthorizedException).getResponse())).not.toContain('leaked-secret-value-123');
    }
    expect.assertions(1);
  });

  it('gives each role its routes and answers 403 for the others', () => {
    expect(check({ method: 'GET', url: '/control/work', headers: bearer(READER) })()).toBe(true);
    expect(check({ method: 'POST', url: '/control/work', headers: bearer(READER) })).toThrow(ForbiddenException);
    expect(check({ method: 'POST', url: '/control/work', headers: bearer(NODE) })).toThrow(ForbiddenException);
    // Gossip needs no token at the guard: the gossip endpoint authenticates the envelope.
    expect(check({ method: 'POST', url: '/control/gossip', headers: {} })()).toBe(true);
    expect(check({ method: 'GET', url: '/metrics', headers: bearer(NODE) })).toThrow(ForbiddenException);
    expect(check({ method: 'POST', url: '/control/leases', headers: bearer(NODE), body: { workerId: 'cp-1' } })).toThrow(ForbiddenException);
    expect(check({ method: 'POST', url: '/control/work', headers: bearer(ADMIN) })()).toBe(true);
    expect(check({ method: 'GET', url: '/health/ready' })()).toBe(true);
  });

  it('lets a worker act only as its own subject', () => {
    const lease = (workerId: string) => check({ method: 'POST', url: '/control/leases', headers: bearer(WORKER_1), body: { workerId } });
    expect(lease('worker-1')()).toBe(true);
    expect(lease('worker-2')).toThrow(ForbiddenException);
    const idle = (workerId: string) =>
      check({ method: 'POST', url: '/control/workers/:workerId/heartbeat', headers: bearer(WORKER_1), params: { workerId } });
    expect(idle('worker-1')()).toBe(true);
    expect(idle('worker-2')).toThrow(ForbiddenException);
    const complete = check({
      method: 'POST',
      url: '/control/leases/:leaseId/complete',
      headers: bearer(WORKER_1),
      params: { leaseId: '00000000-0000-4000-8000-000000000001' },
      body: { workerId: 'worker-2', sequenceId: 1, attempt: 1 },
    });
    expect(complete).toThrow(ForbiddenException);
  });
});

describe('protected mode', () => {
  it.each(['127.0.0.1', '127.5.6.7', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1'])('%s is loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });
  it.each(['0.0.0.0', '::', '10.0.0.1', '169.254.169.254', 'example.com', '128.0.0.1'])('%s is not', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });
  it('refuses a public address without tokens and says how to configure them', () => {
    expect(protectedModeRefusal('0.0.0.0', false)).toMatch(/--auth-tokens-file/);
    expect(protectedModeRefusal('0.0.0.0', true)).toBeUndefined();
    expect(protectedModeRefusal('127.0.0.1', false)).toBeUndefined();
  });
});

describe('host flags', () => {
  const parse = (...argv: string[]) => parseHostConfig(argv, {}).config;

  it.each([
    ['--lease-duration-ms', '0'],
    ['--lease-duration-ms', String(2 ** 31)],
    ['--gossip-interval-ms', '0'],
    ['--suspicion-timeout-ms', '0'],
    ['--grace-ms', '0'],
    ['--worker-heartbeat-ms', '0'],
    ['--max-queued-items', '0'],
    ['--max-peers', '0'],
    ['--request-timeout-ms', '5'],
    ['--port', '65536'],
    ['--lease-duration-ms', '0x10'],
    ['--lease-duration-ms', '1e3'],
  ])('refuses %s %s with a usage error', (flag, value) => {
    expect(() => parse(flag, value)).toThrow(HostConfigError);
  });

  it('accepts the edges of the ranges', () => {
    expect(parse('--lease-duration-ms', String(2 ** 31 - 1)).leaseDurationMs).toBe(2 ** 31 - 1);
    expect(parse('--completed-retention', '0').completedRetention).toBe(0);
    expect(parse().maxPeers).toBe(100_000);
  });

  it('refuses a synthetic fleet larger than --max-peers, naming both flags', () => {
    expect(() => parse('--synthetic-peers', '200000')).toThrow(/--synthetic-peers \(200000\) exceeds --max-peers \(100000\)/);
    expect(parse('--synthetic-peers', '200000', '--max-peers', '200000').maxPeers).toBe(200_000);
  });

  it('takes --tls-client-auth alone as on, and never echoes a bad --auth-token', () => {
    expect(parse('--tls-client-auth', '--port', '0').tlsClientAuth).toBe(true);
    expect(parse('--tls-client-auth', 'off').tlsClientAuth).toBe(false);
    expect(parse().tlsClientAuth).toBe(false);
    expect(() => parse('--auth-token', 'secret with spaces')).toThrow(/--auth-token/);
    try {
      parse('--auth-token', 'secret with spaces');
    } catch (error) {
      expect((error as Error).message).not.toContain('secret');
    }
  });
});

describe('the operator CLI against a host that requires tokens', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    // Answers the lease-health document only to the reader token, as the host's guard does.
    server = createServer((request, response) => {
      const allowed = request.headers.authorization === `Bearer ${READER}`;
      response.writeHead(allowed ? 200 : 401, { 'content-type': 'application/json; charset=utf-8' });
      response.end(allowed ? JSON.stringify({ peers: [], summary: { eligiblePeers: 0, unhealthyPeers: 0, pendingReassignments: 0 } }) : '{"error":"unauthorized"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const run = async (token: string | undefined) => {
    let out = '';
    let err = '';
    const io: CliIo = { out: (text) => (out += text), err: (text) => (err += text), isTTY: false, sleep: () => Promise.resolve() };
    const code = await runPeersCli(['list', '--url', url], io, token === undefined ? {} : { token });
    return { code, out, err };
  };

  it('sends OMNIRELAY_AUTH_TOKEN as a bearer token, and never prints it', async () => {
    expect(await run(READER)).toMatchObject({ code: 0, out: expect.stringContaining('0 peers') as unknown });
    const refused = await run('wrong-token-0000000000');
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('HTTP 401');
    expect(refused.err).not.toContain('wrong-token');
  });
});

describe('loading the host security settings', () => {
  const folder = mkdtempSync(join(tmpdir(), 'omnirelay-auth-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const path = join(folder, name);
    writeFileSync(path, text, { mode: 0o600 });
    return path;
  };
  const load = (...argv: string[]) => loadHostSecurity(parseHostConfig(argv, {}).config);

  it('reads a tokens file that starts with a UTF-8 byte-order mark', () => {
    const path = file('bom.json', `\uFEFF${JSON.stringify({ tokens: [{ token: ADMIN, role: 'admin' }] })}`);
    expect(load('--auth-tokens-file', path).tokens?.find(ADMIN)).toEqual({ role: 'admin', subject: undefined });
  });

  it('refuses a tokens file writable by group or others, and warns when they can read it', () => {
    const text = JSON.stringify({ tokens: [{ token: ADMIN, role: 'admin' }] });
    const worldWritable = file('0666.json', text);
    chmodSync(worldWritable, 0o666);
    expect(() => load('--auth-tokens-file', worldWritable)).toThrow(/writable by others \(mode 666\).*chmod 600/);
    const groupWritable = file('0620.json', text);
    chmodSync(groupWritable, 0o620);
    expect(() => load('--auth-tokens-file', groupWritable)).toThrow(/writable by its group/);
    const readable = file('0644.json', text);
    chmodSync(readable, 0o644);
    const loaded = load('--auth-tokens-file', readable);
    expect(loaded.tokens?.size).toBe(1);
    expect(loaded.warnings).toEqual([expect.stringMatching(/readable by others \(mode 644\).*chmod 600/)]);
    expect(load('--auth-tokens-file', file('0600.json', text)).warnings).toEqual([]);
  });

  it('reads a tokens file, and allows a public address with it', () => {
    const path = file('good.json', JSON.stringify({ tokens: [{ token: ADMIN, role: 'admin' }] }));
    expect(load('--auth-tokens-file', path, '--host', '0.0.0.0').tokens?.find(ADMIN)).toEqual({ role: 'admin', subject: undefined });
  });

  it('refuses a public address without tokens, a missing file and a bad entry, as usage errors that never show a token', () => {
    expect(() => load('--host', '0.0.0.0')).toThrow(HostConfigError);
    expect(() => load('--auth-tokens-file', join(folder, 'missing.json'))).toThrow(/cannot read .*ENOENT/);
    const bad = file('bad.json', JSON.stringify({ tokens: [{ token: 'super-secret-token-value-0123456789abcdef', role: 'superuser' }] }));
    expect(() => load('--auth-tokens-file', bad)).toThrow(HostConfigError);
    expect(() => load('--auth-tokens-file', bad)).not.toThrow(/super-secret-token-value-0123456789abcdef/);
  });

  it('checks that the TLS flags fit together and the files are PEM', () => {
    const pem = file('x.pem', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    const notPem = file('x.txt', 'hello');
    expect(() => load('--tls-cert', pem)).toThrow(/--tls-key/);
    expect(() => load('--tls-client-auth')).toThrow(/--tls-ca/);
    expect(() => load('--tls-cert', pem, '--tls-key', notPem)).toThrow(/not a PEM file/);
    const tls = load('--tls-cert', pem, '--tls-key', pem, '--tls-ca', pem, '--tls-client-auth').tls;
    expect(tls.server?.requireClientCertificate).toBe(true);
    expect(tls.client?.ca?.toString()).toContain('BEGIN CERTIFICATE');
    expect(load('--tls-ca', pem).tls.server).toBeUndefined();
  });
});
