export type LeaseErrorCode =
  | 'invalid-request'
  | 'unknown-lease'
  | 'unknown-item'
  | 'lease-mismatch'
  | 'worker-ineligible'
  | 'payload-too-deep'
  | 'payload-too-large'
  | 'queue-full'
  | 'store-unavailable';

/** A request the queue refuses; `status` is the HTTP status the controller answers with. */
export class LeaseRequestError extends Error {
  override readonly name = 'LeaseRequestError';

  constructor(
    readonly status: 400 | 404 | 409 | 413 | 429 | 503,
    readonly code: LeaseErrorCode,
    message: string,
  ) {
    super(message);
  }

  /** The JSON body of the 4xx answer, the same wherever the error is answered. */
  get body(): { statusCode: number; error: LeaseErrorCode; message: string } {
    return { statusCode: this.status, error: this.code, message: this.message };
  }
}
