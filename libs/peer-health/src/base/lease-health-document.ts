import type { PeerLeaseHealthSummary } from './interfaces/peer-lease-health-snapshot.interface';
import { MIN_WIRE_MS, NEVER_WIRE_DATE } from './wire-date';

/** One lease a peer holds, as served by GET /omnirelay/control/lease-health. */
export interface LeaseHealthLease {
  readonly sequenceId: number;
  readonly attempt: number;
  readonly leaseId: string;
}

/** One entry of the document's `peers` array. */
export interface LeaseHealthPeer {
  readonly peerId: string;
  /** Wire date (ISO-8601 with offset); NEVER_WIRE_DATE when the peer never heartbeated. */
  readonly lastHeartbeat: string;
  /** Left out when the peer never disconnected. */
  readonly lastDisconnect?: string;
  readonly isHealthy: boolean;
  readonly activeAssignments: number;
  readonly pendingReassignments: number;
  readonly activeLeases: readonly LeaseHealthLease[];
  readonly metadata: Readonly<Record<string, string>>;
}

/** The parsed body of GET /omnirelay/control/lease-health; its summary is the tracker's PeerLeaseHealthSummary. */
export interface LeaseHealthDocument {
  readonly peers: readonly LeaseHealthPeer[];
  readonly summary: PeerLeaseHealthSummary;
}

export { NEVER_WIRE_DATE };


/** The wire format: ISO-8601 date-time with seconds, up to 7 fraction digits (100 ns ticks), and an offset. */
const WIRE_DATE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,7})?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * Epoch ms of a wire date, null for "never", NaN when the text is no wire date. Date.parse alone
 * is too lenient (it accepts other formats and rolls 02-30 over to March), hence the pattern and
 * the range checks.
 */
export function parseWireDate(text: string): number | null {
  const match = WIRE_DATE.exec(text);
  if (!match) return Number.NaN;
  const [, year, month, day, hour, minute, second] = match.map(Number);
  if (
    year === undefined ||
    month === undefined ||
    day === undefined ||
    hour === undefined ||
    minute === undefined ||
    second === undefined ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysInMonth(year, month) ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    return Number.NaN;
  }
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return Number.NaN;
  return ms <= MIN_WIRE_MS ? null : ms;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * Parses and checks the body of GET /omnirelay/control/lease-health. Throws an Error naming the
 * first offending field, so an operator pointed at the wrong service learns why. The returned
 * objects are the parsed JSON itself (unknown fields are kept), so the CLI's `--json` prints what
 * was served. The remote provider checks other hosts' bodies with it too.
 */
export function parseLeaseHealthDocument(text: string): LeaseHealthDocument {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error: unknown) {
    throw new Error(`not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const root = expectObject(value, 'the document');
  const peers = expectArray(root.peers, 'peers');
  const seen = new Set<string>();
  peers.forEach((peer, i) => {
    const peerId = checkLeaseHealthPeer(peer, `peers[${i}]`);
    if (seen.has(peerId)) throw new Error(`peers[${i}].peerId ${JSON.stringify(peerId)} appears twice`);
    seen.add(peerId);
  });
  checkLeaseHealthSummary(root.summary);
  // Every field was checked above; the assertion only names the shape.
  return root as unknown as LeaseHealthDocument;
}

/** Checks the document's `summary` (three non-negative counts); throws an Error naming the field. */
export function checkLeaseHealthSummary(value: unknown): void {
  const summary = expectObject(value, 'summary');
  for (const key of ['eligiblePeers', 'unhealthyPeers', 'pendingReassignments'] as const) {
    expectCount(summary[key], `summary.${key}`);
  }
}

/** Checks one peer entry (`path` names it in the error) and returns its id. */
export function checkLeaseHealthPeer(value: unknown, path: string): string {
  const peer = expectObject(value, path);
  const peerId = expectString(peer.peerId, `${path}.peerId`);
  if (peerId === '') throw new Error(`${path}.peerId is empty`);
  expectWireDate(peer.lastHeartbeat, `${path}.lastHeartbeat`);
  if (peer.lastDisconnect !== undefined) expectWireDate(peer.lastDisconnect, `${path}.lastDisconnect`);
  if (typeof peer.isHealthy !== 'boolean') throw new Error(`${path}.isHealthy is ${describe(peer.isHealthy)}, not a boolean`);
  expectCount(peer.activeAssignments, `${path}.activeAssignments`);
  expectCount(peer.pendingReassignments, `${path}.pendingReassignments`);
  expectArray(peer.activeLeases, `${path}.activeLeases`).forEach((lease, j) => {
    const leasePath = `${path}.activeLeases[${j}]`;
    const entry = expectObject(lease, leasePath);
    expectCount(entry.sequenceId, `${leasePath}.sequenceId`);
    expectCount(entry.attempt, `${leasePath}.attempt`);
    expectString(entry.leaseId, `${leasePath}.leaseId`);
  });
  const metadata = expectObject(peer.metadata, `${path}.metadata`);
  for (const [key, entry] of Object.entries(metadata)) {
    expectString(entry, `${path}.metadata[${JSON.stringify(key)}]`);
  }
  return peerId;
}

function expectObject(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${path} is ${describe(value)}, not an object`);
  }
  // Checked just above: a non-null, non-array object.
  return value as Record<string, unknown>;
}

function expectArray(value: unknown, path: string): readonly unknown[] {
  if (!Array.isArray(value)) throw new Error(`${path} is ${describe(value)}, not an array`);
  return value;
}

function expectString(value: unknown, path: string): string {
  if (typeof value !== 'string') throw new Error(`${path} is ${describe(value)}, not a string`);
  return value;
}

function expectCount(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new Error(`${path} is ${describe(value)}, not a non-negative integer`);
  }
  return value;
}

function expectWireDate(value: unknown, path: string): void {
  const text = expectString(value, path);
  if (Number.isNaN(parseWireDate(text))) {
    throw new Error(`${path} is ${describe(text)}, not a date like ${NEVER_WIRE_DATE}`);
  }
}

/** A short rendering of an offending value for error messages. */
function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  const json = JSON.stringify(value);
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}
