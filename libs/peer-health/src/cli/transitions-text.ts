import { compareOrdinal } from '../base/ordering';
import { type LeaseHealthPeer } from './lease-health-document';
import { printable, statusOf } from './peer-table';
import { transitionReason, type StreamedTransition } from './streamed-transitions';

// What watch prints between refreshes, and the JSON of list and show.

const BOLD_RED = '\u001b[1;31m';
const BOLD_GREEN = '\u001b[1;32m';
const RESET = '\u001b[0m';

/**
 * One line per peer whose status changed, appeared or disappeared, in peerId order, with the reason.
 * Computed over all peers even with --status, so a peer that leaves the filtered table says why.
 */
export function renderTransitions(
  previous: ReadonlyMap<string, LeaseHealthPeer>,
  current: ReadonlyMap<string, LeaseHealthPeer>,
  streamed: ReadonlyMap<string, StreamedTransition>,
  highlight: boolean,
): string {
  const ids = [...new Set([...previous.keys(), ...current.keys()])].sort(compareOrdinal);
  let text = '';
  for (const id of ids) {
    const before = previous.get(id);
    const after = current.get(id);
    const from = before ? statusOf(before) : 'new';
    const to = after ? statusOf(after) : 'gone';
    if (from === to) continue;
    const reason = transitionReason(to, after, streamed.get(id), Date.now());
    const line = printable(`${id}: ${from} -> ${to}${reason === undefined ? '' : ` (${reason})`}`);
    text += highlight ? `${to === 'healthy' ? BOLD_GREEN : BOLD_RED}${line}${RESET}\n` : `${line}\n`;
  }
  return text;
}

export function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
