import { setTimeout as delay } from 'node:timers/promises';
import { isatty } from 'node:tty';
import { runPeersCli, type CliIo } from './peers-cli';

/**
 * Runs the peers CLI against this process's terminal: stdout/stderr, Ctrl-C, closed pipes and
 * OMNIRELAY_URL. Shared by the `omnirelay-peers` bin and the executable's `peers` subcommand.
 */
export async function runPeersCliInProcess(argv: readonly string[]): Promise<number> {
  const controller = new AbortController();
  // The first Ctrl-C ends `watch` cleanly; `once` leaves a second one to Node's default, killing the process.
  process.once('SIGINT', () => controller.abort());
  // `omnirelay-peers watch | head` closes the pipe: stop instead of dying on an unhandled EPIPE.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    controller.abort();
  });

  const io: CliIo = {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    // NO_COLOR (https://no-color.org) turns highlighting off even on a terminal.
    // isatty rather than stdout.isTTY, which is typed boolean but undefined on a pipe.
    isTTY: isatty(process.stdout.fd) && !process.env.NO_COLOR,
    // Resolves early on abort, so Ctrl-C does not wait out the interval.
    sleep: (ms) => delay(ms, undefined, { signal: controller.signal }).catch(() => undefined),
    signal: controller.signal,
  };

  const envUrl = process.env.OMNIRELAY_URL;
  const envToken = process.env.OMNIRELAY_AUTH_TOKEN;
  try {
    return await runPeersCli(argv, io, { ...(envUrl ? { url: envUrl } : {}), ...(envToken ? { token: envToken } : {}) });
  } catch (error) {
    process.stderr.write(`omnirelay-peers: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 70;
  }
}
