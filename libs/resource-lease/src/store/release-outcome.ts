/** Whether a failed or expired attempt is requeued (another attempt is left) or dead-lettered: the rule of every store. */
export function isRequeued(attempt: number, maxAttempts: number): boolean {
  return attempt < maxAttempts;
}
