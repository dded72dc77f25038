/** Attempts of a step that is safe to repeat, and the pause between them: rides out an etcd election (about a second). */
const ATTEMPTS = 5;
const PAUSE_MS = 300;

/**
 * Runs `step` again after a failure of etcd (not a refusal of ours) a few times: while etcd elects a
 * raft leader, or the client moves off a dead member, calls fail for about a second. Only for steps
 * that are safe to repeat (their transaction compares what a first, half-seen attempt would have done).
 */
export async function retryTransient<T>(step: () => Promise<T>, isRefusal: (error: unknown) => boolean): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      if (attempt >= ATTEMPTS || isRefusal(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
    }
  }
}
