// held-leases: one worker holding many leases at once (a worker that leases without finishing, as the
// etcd bench's load clients do: thousands each). Each step assigns the worker one lease more and
// releases its oldest, so the count held stays put; µs per step for the kit and for the naive port
// (a Map per peer), alternating, at 8, 1,000 and 5,000 leases held.
import { ManualClock, PeerLeaseHealthTracker, type PeerLeaseHandle } from '@omnirelay/peer-health';
import * as promClient from 'prom-client';
import { NaivePeerTracker } from './baseline/naive-peer-tracker';
import { alternate, record, spreadFields } from './support/results';

const STEPS = 50_000;
const ROUNDS = 5;

interface LeaseRecorder {
  recordLeaseAssignment(peerId: string, handle: PeerLeaseHandle): void;
  recordLeaseReleased(peerId: string, handle: PeerLeaseHandle, requeued: boolean): void;
}

const leaseOf = (n: number): PeerLeaseHandle => ({ sequenceId: n, attempt: 1, leaseId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}` });

/** A recorder whose worker holds `held` leases, and the next lease number to assign. */
function holding(recorder: LeaseRecorder, held: number): { recorder: LeaseRecorder; next: number } {
  for (let n = 0; n < held; n++) recorder.recordLeaseAssignment('worker-1', leaseOf(n));
  return { recorder, next: held };
}

/** µs per step: assign one lease more, release the oldest. */
function stepCost(state: { recorder: LeaseRecorder; next: number }, held: number): number {
  const handles = Array.from({ length: STEPS }, (_, i) => leaseOf(state.next + i));
  const started = process.hrtime.bigint();
  for (let i = 0; i < STEPS; i++) {
    const n = state.next + i;
    state.recorder.recordLeaseAssignment('worker-1', handles[i] ?? leaseOf(n));
    state.recorder.recordLeaseReleased('worker-1', leaseOf(n - held), false);
  }
  state.next += STEPS;
  return Number(process.hrtime.bigint() - started) / 1000 / STEPS;
}

async function main(): Promise<void> {
  for (const held of [8, 1000, 5000]) {
    const kit = holding(new PeerLeaseHealthTracker({ clock: new ManualClock(Date.UTC(2026, 11, 8)) }), held);
    const naive = holding(new NaivePeerTracker(30_000, new ManualClock(Date.UTC(2026, 11, 8)), new promClient.Registry()), held);
    const runs = await alternate(ROUNDS, { kit: () => stepCost(kit, held), naive: () => stepCost(naive, held) });
    record({
      name: `one worker holding ${held} leases: assign + release`,
      peers: 1,
      value: runs.kit.median,
      unit: 'µs/step',
      baseline: runs.naive.median,
      ratio: runs.naive.median / runs.kit.median,
      target: 'reference: the naive port keeps a Map per peer',
      met: null,
      ...spreadFields(runs.kit, runs.naive),
    });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
