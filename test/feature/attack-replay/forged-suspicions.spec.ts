import { createHmac, randomBytes } from 'node:crypto';
import { startExecutable, type RunningHost } from '../../support/executable-process';
import { getJson, pollUntil } from '../../support/poll';

/**
 * Issue 17, attack 5, "forged suspicions", replayed against real processes: a cluster-key holder
 * (the weakest setup: it may sign as any node id) sends 361 signed suspicions of the leader of
 * shard-00 in 20 s, each under a different sender id, to the two other nodes. After: the leader stays alive on every node,
 * every scope keeps one term and one leader on all nodes, in every sample.
 */
const KEY = randomBytes(32);
const TIMING = { GOSSIP_INTERVAL_MS: 200, SUSPICION_TIMEOUT_MS: 2000, HEARTBEAT_GRACE_MS: 3000 };
const env = {
  ...Object.fromEntries(Object.entries(TIMING).map(([k, v]) => [k, String(v)])),
  OMNIRELAY_GOSSIP_KEY: KEY.toString('base64'),
  SCOPES: 'global,shard-00',
};
const FLOOD = { messages: 361, durationMs: 20_000 };
const SAMPLE_MS = 500;
const MESH = ['cp-1', 'cp-2', 'cp-3'];

interface Member {
  nodeId: string;
  url: string;
  state: string;
  incarnation: number;
  heartbeat: number;
  firstHand: boolean;
}
interface Leaders {
  scopes: Array<{ scope: string; leaderId?: string; term: number }>;
}

const hosts = new Map<string, RunningHost>();
const url = (nodeId: string): string => {
  const host = hosts.get(nodeId);
  if (!host) throw new Error(`${nodeId} is not running`);
  return host.url;
};
const membersOf = async (nodeId: string): Promise<Member[]> => (await getJson<{ members: Member[] }>(`${url(nodeId)}/control/peers`)).members;
const leadersOf = async (nodeId: string): Promise<Leaders['scopes']> => (await getJson<Leaders>(`${url(nodeId)}/control/leaders`)).scopes;
/** Who leads each scope (what the nodes must agree on). */
const leadersText = (scopes: Leaders['scopes']): string => scopes.map((s) => `${s.scope}=${s.leaderId ?? '-'}`).join(' ');
/** Leaders and terms as one node sees them (each node's embedded store counts its own terms). */
const shown = (scopes: Leaders['scopes']): string => scopes.map((s) => `${s.scope}=${s.leaderId ?? '-'}@${s.term}`).join(' ');

function envelope(from: string, members: readonly object[]): string {
  const payload = JSON.stringify({ from, sentAt: Date.now(), nonce: randomBytes(18).toString('base64url'), members });
  const mac = createHmac('sha256', KEY).update(`omnirelay-gossip/1\n${payload}`).digest('base64url');
  return JSON.stringify({ v: 1, payload, mac });
}

beforeAll(async () => {
  hosts.set('cp-1', await startExecutable({ args: ['--role', 'control-plane', '--node-id', 'cp-1'], env }));
  for (const id of ['cp-2', 'cp-3']) hosts.set(id, await startExecutable({ args: ['--role', 'control-plane', '--node-id', id, '--seeds', url('cp-1')], env }));
  await pollUntil(
    'a signed mesh of three that agrees on one leader per scope',
    async () => {
      for (const id of MESH) if ((await membersOf(id)).filter((m) => m.state === 'alive' && m.firstHand).length !== 3) return undefined;
      const views = await Promise.all(MESH.map(async (id) => leadersText(await leadersOf(id))));
      return new Set(views).size === 1 ? true : undefined;
    },
    20_000,
  );
}, 60_000);

afterAll(async () => {
  await Promise.all([...hosts.values()].map((host) => host.stop().catch(() => undefined)));
});

describe('attack replay: forged suspicions', () => {
  it('361 signed suspicions of the shard-00 leader in 20 s: never suspect, one term and one leader per scope on every node', async () => {
    const before = await Promise.all(MESH.map(async (id) => shown(await leadersOf(id))));
    // The victim led shard-00: suspect the leader of shard-00, at the two other nodes.
    const victimId = (await leadersOf('cp-1')).find((s) => s.scope === 'shard-00')?.leaderId ?? 'cp-2';
    const targets = MESH.filter((id) => id !== victimId);
    const victim = (await membersOf(targets[0] ?? 'cp-1')).find((m) => m.nodeId === victimId);
    if (!victim) throw new Error(`the other nodes do not know ${victimId}`);
    let sent = 0;
    let accepted = 0;
    const flood = (async () => {
      const started = Date.now();
      for (let i = 0; i < FLOOD.messages; i++) {
        const due = started + (i * FLOOD.durationMs) / FLOOD.messages;
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now())));
        // The suspicion names cp-2's real incarnation, at a heartbeat far ahead; each from another sender id.
        const suspicion = { ...victim, state: 'suspect', heartbeat: Number.MAX_SAFE_INTEGER - 10 };
        const body = envelope(`sender-${i}`, [suspicion]);
        const target = targets[i % targets.length] ?? 'cp-1';
        const response = await fetch(`${url(target)}/control/gossip`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).catch(() => undefined);
        sent++;
        if (response?.status === 200) accepted++;
        await response?.arrayBuffer();
      }
    })();
    const samples: Array<{ leaders: Array<Leaders['scopes']>; suspect: number }> = [];
    let done = false;
    void flood.finally(() => {
      done = true;
    });
    while (!done) {
      const leaders = await Promise.all(MESH.map(async (id) => leadersOf(id)));
      const views = await Promise.all(targets.map(async (id) => (await membersOf(id)).find((m) => m.nodeId === victimId)?.state));
      samples.push({ leaders, suspect: views.filter((state) => state !== 'alive').length });
      await new Promise((resolve) => setTimeout(resolve, SAMPLE_MS));
    }
    await flood;
    const disagreeing = samples.filter((s) => new Set(s.leaders.map(leadersText)).size !== 1).length;
    const suspectSamples = samples.filter((s) => s.suspect > 0).length;
    // A node's leader or term moved: a new term somewhere.
    const changed = samples.filter((s) => s.leaders.some((view, i) => shown(view) !== before[i])).length;
    const terms = (views: readonly string[]) => views.map((view, i) => `${MESH[i] ?? ''}: ${view}`).join('; ');
    process.stdout.write(
      `flood: ${sent} suspicions of ${victimId} sent (${accepted} answered 200) in ${FLOOD.durationMs / 1000} s; ${samples.length} samples: ` +
        `${victimId} not alive in ${suspectSamples}, nodes disagreeing in ${disagreeing}, a leader or term changed in ${changed}; before ${terms(before)}\n`,
    );
    expect(sent).toBe(FLOOD.messages);
    expect(accepted).toBe(FLOOD.messages);
    expect(samples.length).toBeGreaterThanOrEqual(10);
    expect({ suspectSamples, disagreeing, changed }).toEqual({ suspectSamples: 0, disagreeing: 0, changed: 0 });
    const after = await Promise.all(MESH.map(async (id) => shown(await leadersOf(id))));
    process.stdout.write(`after: ${terms(after)}\n`);
    expect(after).toEqual(before);
  }, 60_000);
});
