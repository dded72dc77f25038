// Starts real etcd servers (Debian's etcd-server, /usr/bin/etcd) on free loopback ports with temporary
// data directories, and stops them. Plain CommonJS so that the gate (scripts/gate.mjs), the bench and
// the test tiers share this one helper.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const { mkdtempSync, rmSync } = require('node:fs');
const { createServer } = require('node:net');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const ETCD = process.env.OMNIRELAY_ETCD_BINARY || 'etcd';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** True when the etcd binary can be run. */
function etcdAvailable() {
  const result = spawnSync(ETCD, ['--version'], { encoding: 'utf8' });
  return result.status === 0;
}

/** A port nothing listens on right now (the kernel's choice for port 0). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function healthy(clientUrl) {
  const answer = await fetch(`${clientUrl}/health`, { signal: AbortSignal.timeout(1000) }).catch(() => undefined);
  if (answer === undefined) return false;
  const body = await answer.json().catch(() => ({}));
  return answer.status === 200 && body.health === 'true';
}

/**
 * Starts a cluster of `size` members (1 or 3) and resolves once every member reports healthy.
 * Each member can be killed (any signal) and started again on the same data directory.
 */
async function startEtcdCluster({ size = 1, readyTimeoutMs = 20_000 } = {}) {
  const root = mkdtempSync(join(tmpdir(), 'omnirelay-etcd-'));
  const token = `omnirelay-test-${process.pid}-${Date.now()}`;
  const members = [];
  for (let i = 0; i < size; i++) {
    const [client, peer] = [await freePort(), await freePort()];
    members.push({ name: `m${i}`, clientUrl: `http://127.0.0.1:${client}`, peerUrl: `http://127.0.0.1:${peer}`, dataDir: join(root, `m${i}`) });
  }
  const initialCluster = members.map((m) => `${m.name}=${m.peerUrl}`).join(',');

  const launch = (member) => {
    const child = spawn(
      ETCD,
      [
        '--name', member.name,
        '--data-dir', member.dataDir,
        '--listen-client-urls', member.clientUrl,
        '--advertise-client-urls', member.clientUrl,
        '--listen-peer-urls', member.peerUrl,
        '--initial-advertise-peer-urls', member.peerUrl,
        '--initial-cluster', initialCluster,
        '--initial-cluster-state', 'new',
        '--initial-cluster-token', token,
        '--logger', 'zap',
        '--log-level', 'error',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    member.output = member.output ?? '';
    child.stdout.on('data', (chunk) => (member.output += chunk));
    child.stderr.on('data', (chunk) => (member.output += chunk));
    member.child = child;
    member.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  };

  const waitHealthy = async (list) => {
    const deadline = Date.now() + readyTimeoutMs;
    for (const member of list) {
      while (!(await healthy(member.clientUrl))) {
        if (member.child.exitCode !== null || member.child.signalCode !== null) {
          throw new Error(`etcd ${member.name} exited before it was healthy\n${member.output}`);
        }
        if (Date.now() > deadline) throw new Error(`etcd ${member.name} was not healthy within ${readyTimeoutMs} ms\n${member.output}`);
        await sleep(100);
      }
    }
  };

  const running = (member) => member.child.exitCode === null && member.child.signalCode === null;
  const kill = async (member, signal = 'SIGKILL') => {
    if (running(member)) member.child.kill(signal);
    await member.exited;
  };

  for (const member of members) launch(member);
  try {
    await waitHealthy(members);
  } catch (error) {
    await Promise.all(members.map((m) => kill(m)));
    rmSync(root, { recursive: true, force: true });
    throw error;
  }

  /** Asks each running member for its status; the raft leader is the one whose own id is the leader's. */
  const raftLeader = async () => {
    for (const member of members.filter(running)) {
      const answer = await fetch(`${member.clientUrl}/v3/maintenance/status`, { method: 'POST', body: '{}', signal: AbortSignal.timeout(1000) }).catch(
        () => undefined,
      );
      const status = answer === undefined ? {} : await answer.json().catch(() => ({}));
      if (status.leader !== undefined && status.leader === status.header?.member_id) return member.name;
    }
    return undefined;
  };

  return {
    endpoints: members.map((m) => m.clientUrl).join(','),
    raftLeader,
    members: members.map((member) => ({
      name: member.name,
      clientUrl: member.clientUrl,
      dataDir: member.dataDir,
      pid: () => member.child.pid,
      output: () => member.output,
      /** kill -9 (or another signal) and wait for the exit. */
      kill: (signal) => kill(member, signal),
      /** Starts the member again on its data directory and waits until it is healthy. */
      restart: async () => {
        if (running(member)) throw new Error(`etcd ${member.name} is still running`);
        launch(member);
        await waitHealthy([member]);
      },
    })),
    stop: async () => {
      await Promise.all(members.map((m) => kill(m, 'SIGTERM')));
      rmSync(root, { recursive: true, force: true });
    },
  };
}

module.exports = { etcdAvailable, freePort, startEtcdCluster };
