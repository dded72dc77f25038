/**
 * Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs` with
 * `what` and the last thing seen. Every wait in the multi-process tests goes through here.
 */
export async function pollUntil<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  intervalMs = 50,
): Promise<{ value: T; elapsedMs: number }> {
  const started = Date.now();
  let last: string | undefined;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return { value, elapsedMs: Date.now() - started };
    } catch (error) {
      last = error instanceof Error ? error.message : JSON.stringify(error);
    }
    if (Date.now() - started > timeoutMs) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last === undefined ? '' : `; last error: ${last}`}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return (await response.json()) as T;
}

/** POSTs `body` as JSON; the status and the parsed answer (undefined when empty), whatever the status. */
export async function postJson(url: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(5000),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

/** Sequence ids of the completions a dispatcher logged ("completed item <seq> attempt <n> by <worker>"), in log order. */
export function loggedCompletions(output: string): number[] {
  return [...output.matchAll(/completed item (\d+) attempt \d+ by /g)].map((m) => Number(m[1]));
}
