// Starts the single executable host as a child process, the way an operator would, and stops it.
// Plain CommonJS so that both the gate (scripts/gate.mjs) and the test tiers use this one helper.
'use strict';
const { spawn } = require('node:child_process');
const { existsSync, mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { dirname, join, resolve } = require('node:path');

const EXECUTABLE = resolve(__dirname, '../../dist/bin/omnirelay-control-plane');
const READY_LINE = /Lease health: (https?:\/\/[^\s/]+)\/omnirelay\/control\/lease-health/;

function executablePath() {
  if (!existsSync(EXECUTABLE)) {
    throw new Error(`${EXECUTABLE} does not exist: run "npm run build:artifacts" (npm test does) first`);
  }
  return EXECUTABLE;
}

/** True when `dir` or any folder above it holds a node_modules folder. */
function hasNodeModulesAbove(dir) {
  for (let current = resolve(dir); ; current = dirname(current)) {
    if (existsSync(join(current, 'node_modules'))) return true;
    if (dirname(current) === current) return false;
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The default readiness probe: the lease-health endpoint answers 200 over plain HTTP without a token. */
async function answersLeaseHealth(url) {
  const answer = await fetch(`${url}/omnirelay/control/lease-health`).catch(() => undefined);
  if (answer === undefined) return false;
  await answer.arrayBuffer();
  return answer.status === 200;
}

/**
 * Starts the executable in a new empty temporary directory on 127.0.0.1 with a free port
 * (PORT=0; the host prints the URL it bound) and resolves once `ready(url)` says so (by default:
 * the endpoint answers; hosts with tokens or TLS need their own probe).
 */
async function startExecutable({ args = [], env = {}, readyTimeoutMs = 20_000, ready = answersLeaseHealth } = {}) {
  const cwd = mkdtempSync(join(tmpdir(), 'omnirelay-host-'));
  const child = spawn(executablePath(), args, {
    cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, HOST: '127.0.0.1', PORT: '0', NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise((resolveExit) => child.once('exit', (code, signal) => resolveExit({ code, signal })));
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));

  let stopped;
  const stop = async (timeoutMs = 10_000) => {
    stopped ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      let timer;
      const result = await Promise.race([
        exited,
        new Promise((resolveTimeout) => (timer = setTimeout(resolveTimeout, timeoutMs, undefined))),
      ]);
      clearTimeout(timer);
      if (result === undefined) {
        child.kill('SIGKILL');
        await exited;
        throw new Error(`host did not stop within ${timeoutMs} ms of SIGTERM\n${output}`);
      }
      rmSync(cwd, { recursive: true, force: true });
      return result;
    })();
    return stopped;
  };

  const deadline = Date.now() + readyTimeoutMs;
  let url;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`host exited before it was ready (${child.exitCode ?? child.signalCode})\n${output}`);
    }
    url ??= READY_LINE.exec(output)?.[1];
    if (url && (await ready(url).catch(() => false))) {
      return { url, cwd, pid: child.pid, output: () => output, stop, exited };
    }
    await sleep(50);
  }
  await stop().catch(() => undefined);
  throw new Error(`host was not ready within ${readyTimeoutMs} ms\n${output}`);
}

/** Output lines that are warnings: Nest's WARN level, Node's "Warning:", anything saying warn. */
function warningLines(output) {
  return output.split('\n').filter((line) => /warn/i.test(line));
}

module.exports = { EXECUTABLE, executablePath, hasNodeModulesAbove, startExecutable, warningLines };
