import { EXIT_USAGE } from './cli-settings';

/** A failure that ends the run with an exit code and a message for stderr. */
export class CliFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** The bad-usage failure; its message is printed with the usage text. */
export function usage(message: string): CliFailure {
  return new CliFailure(message, EXIT_USAGE);
}
