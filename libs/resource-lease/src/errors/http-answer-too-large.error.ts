/** An answer longer than the client's `maxResponseBytes`: cut, and the call fails. */
export class HttpAnswerTooLargeError extends Error {
  override readonly name = 'HttpAnswerTooLargeError';
}
