/** Attempts of a step that is safe to repeat, and the pause between them: rides out an etcd election (about a second). */
const ATTEMPTS = 5;
const PAUSE_MS = 300;

/**
 * Runs `step` again after a failure of etcd (not a refusal of ours) a few times: while etcd elects a
 * raft leader, or the client moves off a dead member, calls fail for about a second. Only for steps
 * that are safe to repeat (their transaction compares what a first, half-seen attempt would have done).
 * With `patienceMs`, keeps trying for that long instead of ATTEMPTS times (an etcd restarting).
 */
export async function retryTransient<T>(step: () => Promise<T>, isRefusal: (error: unknown) => boolean, patienceMs?: number): Promise<T> {
  const giveUpAt = patienceMs === undefined ? undefined : performance.now() + patienceMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      const spent = giveUpAt === undefined ? attempt >= ATTEMPTS : performance.now() >= giveUpAt;
      if (spent || isRefusal(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
    }
  }
}
