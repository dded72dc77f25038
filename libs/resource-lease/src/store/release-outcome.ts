/** Whether a failed or expired attempt is requeued (another attempt is left) or dead-lettered: the rule of every store. */
export function isRequeued(attempt: number, maxAttempts: number): boolean {
  return attempt < maxAttempts;
}

/** What a store knows of an item to tell a repeated completion. */
interface FinishedItem {
  readonly state: string;
  readonly completedBy?: string | undefined;
  readonly attempt: number;
}

/** Whether `item` was completed by the worker and attempt `reference` names: a repeated completion of that lease. */
export function isCompletion(item: FinishedItem | undefined, reference: { readonly workerId: string; readonly attempt: number }): boolean {
  return item !== undefined && item.state === 'completed' && item.completedBy === reference.workerId && item.attempt === reference.attempt;
}
