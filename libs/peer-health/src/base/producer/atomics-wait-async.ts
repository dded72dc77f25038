/** The answer of `Atomics.waitAsync` (ES2024; Node has it since 16, the kit's TypeScript lib does not declare it). */
export type WaitAsyncResult =
  | { readonly async: false; readonly value: 'not-equal' | 'timed-out' }
  | { readonly async: true; readonly value: Promise<'ok' | 'timed-out'> };

type WaitAsync = (array: Int32Array, index: number, value: number, timeoutMs?: number) => WaitAsyncResult;

const atomics = Atomics as unknown as { readonly waitAsync: WaitAsync };

/** Waits, without blocking the thread, until `array[index]` is notified or no longer `value`. */
export function waitAsync(array: Int32Array, index: number, value: number, timeoutMs?: number): WaitAsyncResult {
  return atomics.waitAsync(array, index, value, timeoutMs);
}
