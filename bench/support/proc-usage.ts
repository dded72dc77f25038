// What the kernel counts for a process or a thread (Linux /proc): CPU time and preemptions. The
// benchmarks read them for processes they do not own (etcd, the executables they start) and for one
// thread of their own; elsewhere, or for a process that is gone, there is nothing to read.
import { readdirSync, readFileSync } from 'node:fs';

/** CPU time (user + system, µs, in 10 ms ticks) from a /proc `stat` file; undefined when it cannot be read. */
export function statCpuMicros(statPath: string): number | undefined {
  try {
    const fields = readFileSync(statPath, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return undefined;
  }
}

/** CPU time (user + system, µs) of the processes; nothing for one that is gone. */
export function processesCpuMicros(pids: ReadonlyArray<number | undefined>): number {
  let total = 0;
  for (const pid of pids) if (pid !== undefined) total += statCpuMicros(`/proc/${pid}/stat`) ?? 0;
  return total;
}

/**
 * Times the processes' threads were preempted while runnable (`nonvoluntary_ctxt_switches`, summed
 * over /proc/<pid>/task/*): how often the cores were oversubscribed under them.
 */
export function preemptions(pids: ReadonlyArray<number | undefined>): number {
  let total = 0;
  for (const pid of pids) {
    if (pid === undefined) continue;
    try {
      for (const task of readdirSync(`/proc/${pid}/task`)) {
        const status = readFileSync(`/proc/${pid}/task/${task}/status`, 'utf8');
        total += Number(/^nonvoluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? 0);
      }
    } catch {
      // Gone, or not Linux: counted as nothing.
    }
  }
  return total;
}
