import { CliFailure } from '../base/errors/cli-failure.error';
import { EXIT_USAGE } from './cli-settings';


/** The bad-usage failure; its message is printed with the usage text. */
export function usage(message: string): CliFailure {
  return new CliFailure(message, EXIT_USAGE);
}
