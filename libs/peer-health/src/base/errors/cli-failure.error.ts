/** A failure of the `omnirelay-peers` CLI that ends the run with an exit code and a message for stderr. */
export class CliFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}
