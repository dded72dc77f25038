import { parseArguments, type Options } from './cli-arguments';
import { list, show, watch } from './cli-commands';
import { CliFailure } from '../base/errors/cli-failure.error';
import { type CliDefaults, type CliIo } from './cli-io';
import { EXIT_OK } from './cli-settings';
import { PEERS_CLI_USAGE } from './usage-text';

export type { CliDefaults, CliIo } from './cli-io';
export {
  DEFAULT_URL,
  LEASE_HEALTH_PATH,
  EXIT_OK,
  EXIT_PEER_NOT_FOUND,
  EXIT_UNAVAILABLE,
  EXIT_USAGE,
  EXIT_INTERRUPTED,
} from './cli-settings';
export { PEERS_CLI_USAGE } from './usage-text';

/** The operator CLI; returns the exit code instead of exiting, so tests can run it in-process. */
export async function runPeersCli(argv: readonly string[], io: CliIo, defaults: CliDefaults = {}): Promise<number> {
  let options: Options | 'help';
  try {
    options = parseArguments(argv, defaults);
  } catch (error: unknown) {
    if (!(error instanceof CliFailure)) throw error;
    io.err(`omnirelay-peers: ${error.message}\n\n${PEERS_CLI_USAGE}`);
    return error.exitCode;
  }
  if (options === 'help') {
    io.out(PEERS_CLI_USAGE);
    return EXIT_OK;
  }
  try {
    switch (options.command) {
      case 'list':
        return await list(options, io);
      case 'show':
        return await show(options, io);
      case 'watch':
        return await watch(options, io);
    }
  } catch (error: unknown) {
    if (!(error instanceof CliFailure)) throw error;
    io.err(`${error.message}\n`);
    return error.exitCode;
  }
}
