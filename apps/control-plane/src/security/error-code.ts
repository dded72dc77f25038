/** The `code` of a Node system error (ENOENT, EACCES, ...), without trusting `instanceof Error` across realms. */
export function systemErrorCode(error: unknown): string {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : 'unreadable';
}
