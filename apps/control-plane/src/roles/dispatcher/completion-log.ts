import { Logger } from '@nestjs/common';
import type { StoredLease } from '@omnirelay/resource-lease';

const logger = new Logger('Dispatcher');

/** One line per completion the store committed, so a run can be checked for items done twice or never. */
export function logCompletion(lease: StoredLease): void {
  logger.log(`completed item ${lease.sequenceId} attempt ${lease.attempt} by ${lease.workerId}`);
}
