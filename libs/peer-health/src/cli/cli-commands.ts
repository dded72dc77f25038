import { type Options } from './cli-arguments';
import { CliFailure } from '../base/errors/cli-failure.error';
import { type CliIo } from './cli-io';
import { EXIT_INTERRUPTED, EXIT_OK, EXIT_PEER_NOT_FOUND } from './cli-settings';
import { openChangeSignal, type ChangeSignal } from './event-stream-signal';
import { fetchDocument } from './fetch-document';
import { type LeaseHealthPeer } from './lease-health-document';
import { printable, renderPeerDetails, renderPeerTable, selectPeers } from './peer-table';
import { type StreamedTransition } from './streamed-transitions';
import { renderTransitions, toJson } from './transitions-text';

// The commands: list, show, watch.

export async function list(options: Options, io: CliIo): Promise<number> {
  const document = await fetchDocument(options, io.signal);
  io.out(options.json ? toJson(selectPeers(document.peers, options.status)) : renderPeerTable(document, Date.now(), options.status));
  return EXIT_OK;
}

export async function show(options: Options, io: CliIo): Promise<number> {
  const document = await fetchDocument(options, io.signal);
  const peer = document.peers.find((p) => p.peerId === options.peerId);
  if (!peer) {
    io.err(`peer ${printable(options.peerId ?? '')} not found at ${options.url}\n`);
    return EXIT_PEER_NOT_FOUND;
  }
  io.out(options.json ? toJson(peer) : renderPeerDetails(peer, Date.now()));
  return EXIT_OK;
}

/**
 * Refreshes until --count refreshes were made or io.signal aborts. A failed refresh is reported
 * and retried at the next tick rather than ending the watch (control planes restart); transitions
 * are then computed against the last refresh that succeeded. The exit code is that of the last
 * refresh.
 */
export async function watch(options: Options, io: CliIo): Promise<number> {
  const changes = await openChangeSignal(`${options.url}${options.path}`, options.token, io.signal);
  try {
    return await refreshLoop(options, io, changes);
  } finally {
    changes?.close();
  }
}

/**
 * With the host's event stream, a refresh follows each change at once and the interval is only the
 * longest wait; against an older host without the stream it is plain polling.
 */
async function refreshLoop(options: Options, io: CliIo, changes: ChangeSignal | undefined): Promise<number> {
  let previous: ReadonlyMap<string, LeaseHealthPeer> | undefined;
  let exitCode = EXIT_OK;
  for (let refresh = 1; !io.signal?.aborted; refresh++) {
    if (refresh > 1) io.out('\n');
    try {
      const document = await fetchDocument(options, io.signal);
      const current = new Map(document.peers.map((peer) => [peer.peerId, peer]));
      const streamed = changes?.takeTransitions() ?? new Map<string, StreamedTransition>();
      if (previous) io.out(renderTransitions(previous, current, streamed, io.isTTY));
      io.out(renderPeerTable(document, Date.now(), options.status));
      previous = current;
      exitCode = EXIT_OK;
    } catch (error: unknown) {
      if (!(error instanceof CliFailure)) throw error;
      if (error.exitCode === EXIT_INTERRUPTED) break;
      io.err(`${error.message}\n`);
      exitCode = error.exitCode;
    }
    if (options.count !== undefined && refresh >= options.count) break;
    if (io.signal?.aborted) break;
    await (changes ? Promise.race([changes.next(), io.sleep(options.intervalMs)]) : io.sleep(options.intervalMs));
  }
  return exitCode;
}
