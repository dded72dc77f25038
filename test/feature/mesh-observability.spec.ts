import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { startExecutable, type RunningHost } from '../support/executable-process';
import { getJson, pollUntil } from '../support/poll';
import { sampleValue } from '../support/prometheus-text';

/**
 * Gossip metrics on /metrics of every role, and the audit trail of a kill -9, read from the log
 * lines of real processes of the single executable (JSON logs, a gossip key and a node token).
 */
const KEY = randomBytes(32).toString('base64');
const TOKEN = `node-token-${randomBytes(12).toString('hex')}`;
const TIMING = { GOSSIP_INTERVAL_MS: 200, SUSPICION_TIMEOUT_MS: 1000, HEARTBEAT_GRACE_MS: 3000 };
const env = {
  ...Object.fromEntries(Object.entries(TIMING).map(([k, v]) => [k, String(v)])),
  OMNIRELAY_GOSSIP_KEY: KEY,
  OMNIRELAY_AUTH_TOKEN: TOKEN,
  LOG_FORMAT: 'json',
  // Enough scopes that some are led by a node the test may kill (rendezvous hashing spreads them).
  SCOPES: Array.from({ length: 8 }, (_, i) => `shard-0${i}`).join(','),
};
const SLACK_MS = 1500;
const PROMTOOL = '/usr/bin/promtool';
/**
 * What promtool's linter may report: the seed system fixes the name mesh_gossip_rtt_ms (it objects
 * to the unit `ms`), and Node's default gauges end in _total (prom-client's names, not ours).
 */
const TOLERATED_LINT = [/^mesh_gossip_rtt_ms metric names should not contain abbreviated units$/, /^nodejs_\w+_total non-counter metrics should not have "_total" suffix$/];

interface AuditLine {
  event: string;
  nodeId: string | null;
  incarnation?: number;
  term?: number;
  scope?: string;
  previousLeader?: string | null;
  observer: string;
  correlationId: string;
}
interface Leaders {
  scopes: Array<{ scope: string; leaderId?: string; term: number }>;
}

const hosts = new Map<string, RunningHost>();

async function start(nodeId: string, args: string[]): Promise<RunningHost> {
  const host = await startExecutable({ args: ['--node-id', nodeId, ...args], env });
  hosts.set(nodeId, host);
  return host;
}

function host(nodeId: string): RunningHost {
  const found = hosts.get(nodeId);
  if (!found) throw new Error(`${nodeId} is not running`);
  return found;
}

/** The audit lines a host printed so far, in order (JSON log lines of context MeshAudit). */
function auditLines(nodeId: string): AuditLine[] {
  const lines: AuditLine[] = [];
  for (const text of host(nodeId).output().split('\n')) {
    if (!text.startsWith('{')) continue;
    const parsed = JSON.parse(text) as { context?: string; message?: unknown };
    if (parsed.context === 'MeshAudit' && typeof parsed.message === 'object' && parsed.message !== null) lines.push(parsed.message as AuditLine);
  }
  return lines;
}

async function metricsOf(nodeId: string): Promise<string> {
  const response = await fetch(`${host(nodeId).url}/metrics`, { signal: AbortSignal.timeout(2000) });
  expect(response.status).toBe(200);
  return response.text();
}

function promtoolFindings(text: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = execFile(PROMTOOL, ['check', 'metrics'], (error, stdout, stderr) => {
      const code = error && typeof error.code === 'number' ? error.code : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
    child.stdin?.end(text);
  });
}

describe('mesh observability on real processes', () => {
  beforeAll(async () => {
    await start('cp-1', ['--role', 'control-plane']);
    const seed = host('cp-1').url;
    await start('cp-2', ['--role', 'control-plane', '--seeds', seed]);
    await start('cp-3', ['--role', 'control-plane', '--seeds', seed]);
    await start('dispatcher-1', ['--role', 'dispatcher', '--seeds', seed]);
    await start('worker-1', ['--role', 'worker', '--seeds', seed, '--dispatcher-url', host('dispatcher-1').url]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([...hosts.values()].map((running) => running.stop().catch(() => undefined)));
  });

  it('every role exports the gossip metrics (and leading roles the leadership ones), in a format promtool accepts', async () => {
    for (const nodeId of hosts.keys()) {
      const text = (
        await pollUntil(
          `${nodeId} to see the four other members alive and to time answered exchanges`,
          async () => {
            const scraped = await metricsOf(nodeId);
            const alive = sampleValue(scraped, 'mesh_gossip_members', { state: 'alive' });
            const rtts = sampleValue(scraped, 'mesh_gossip_rtt_ms_count');
            return alive === 4 && (rtts ?? 0) > 0 ? scraped : undefined;
          },
          10 * TIMING.GOSSIP_INTERVAL_MS + SLACK_MS * 4,
        )
      ).value;
      expect(sampleValue(text, 'mesh_gossip_members', { state: 'dead' })).toBe(0);
      expect(sampleValue(text, 'mesh_gossip_messages_total', { direction: 'sent', outcome: 'ok', reason: 'accepted' })).toBeGreaterThan(0);
      expect(sampleValue(text, 'mesh_gossip_messages_total', { direction: 'received', outcome: 'rejected', reason: 'unauthenticated' })).toBe(0);
      expect(sampleValue(text, 'mesh_gossip_message_members_count', { direction: 'sent' })).toBeGreaterThan(0);
      expect(sampleValue(text, 'mesh_gossip_message_members_bucket', { direction: 'received', le: '+Inf' })).toBeGreaterThan(0);
      const leads = nodeId !== 'worker-1';
      // Every scope has had a leader since start-up (term >= 1); changes count only those seen after it.
      expect((sampleValue(text, 'mesh_leadership_term', { scope: 'shard-00' }) ?? 0) >= 1).toBe(leads);
      expect(sampleValue(text, 'mesh_leadership_changes_total', { scope: 'shard-00' }) !== undefined).toBe(leads);
      if (existsSync(PROMTOOL)) {
        const { output } = await promtoolFindings(text);
        const findings = output.split('\n').map((line) => line.trim()).filter(Boolean);
        expect(findings.filter((line) => !TOLERATED_LINT.some((tolerated) => tolerated.test(line)))).toEqual([]);
      }
    }
  }, 60_000);

  it('kill -9 of a leader: cp-1 logs suspect, then dead, and the leadership change, linked by one correlation id; no secret in any log', async () => {
    const { scopes } = await getJson<Leaders>(`${host('cp-1').url}/control/leaders`);
    const target = scopes.find((s) => s.leaderId === 'cp-2' || s.leaderId === 'cp-3');
    if (!target?.leaderId) throw new Error(`no scope is led by cp-2 or cp-3: ${JSON.stringify(scopes)}`);
    const victim = target.leaderId;
    const victimHost = host(victim);
    // Only what follows the kill: on a slow machine the victim may have been suspected, and refuted, before.
    const logged = auditLines('cp-1').length;
    process.kill(victimHost.pid ?? 0, 'SIGKILL');
    await victimHost.exited;

    const about = (line: AuditLine) => line.nodeId === victim && line.observer === 'cp-1';
    const { value: lines } = await pollUntil(
      `cp-1 to log the death of ${victim}`,
      () => {
        const after = auditLines('cp-1').slice(logged);
        return Promise.resolve(after.some((line) => about(line) && line.event === 'dead') ? after : undefined);
      },
      3 * TIMING.SUSPICION_TIMEOUT_MS + 2 * TIMING.GOSSIP_INTERVAL_MS + SLACK_MS * 2,
    );
    const deadAt = lines.findIndex((line) => about(line) && line.event === 'dead');
    let suspectAt = -1;
    lines.forEach((line, i) => {
      if (i < deadAt && about(line) && line.event === 'suspect') suspectAt = i;
    });
    expect(suspectAt).toBeGreaterThanOrEqual(0);
    expect(deadAt).toBeGreaterThan(suspectAt);
    const suspect = lines[suspectAt];
    const dead = lines[deadAt];
    const handover = lines.find((line) => line.event === 'leadership-change' && line.scope === target.scope && line.previousLeader === victim);
    expect(handover).toBeDefined();
    // Cause and effect: the round that suspected the victim also tags its death and the handover.
    expect(dead?.correlationId).toBe(suspect?.correlationId);
    expect(handover?.correlationId).toBe(suspect?.correlationId);
    expect(handover?.term).toBeGreaterThan(target.term);
    expect(handover?.nodeId).not.toBe(victim);
    expect(typeof suspect?.incarnation).toBe('number');
    expect(lines.indexOf(handover as AuditLine)).toBeGreaterThan(suspectAt);

    // The joins of the start-up are there too, and no line of any process carries the key or the token.
    expect(auditLines('cp-1').some((line) => line.event === 'join' && line.nodeId === 'worker-1')).toBe(true);
    for (const running of [...hosts.values(), victimHost]) {
      expect(running.output()).not.toContain(KEY);
      expect(running.output()).not.toContain(TOKEN);
    }
  }, 60_000);
});
