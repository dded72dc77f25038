import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { PeerLeaseHealthTracker } from '@omnirelay/peer-health';

export interface GoldenEvent {
  readonly at: number;
  readonly op: 'recordLeaseAssignment' | 'recordLeaseReleased' | 'recordLeaseHeartbeat' | 'recordDisconnect' | 'recordGossip';
  readonly args: readonly unknown[];
}

export interface GoldenScenario {
  readonly name: string;
  readonly graceMs: number;
  readonly queryAt: number;
  readonly events: readonly GoldenEvent[];
  readonly expected: unknown;
}

export interface GoldenFile {
  readonly epochMs: number;
  readonly scenarios: readonly GoldenScenario[];
}

/** ../shared/golden beside the repository (CI lays shared/ next to the clone). */
export function loadGolden(): GoldenFile {
  const file = resolve(__dirname, '../../../shared/golden/lease-health-scenarios.json');
  return JSON.parse(readFileSync(file, 'utf8')) as GoldenFile;
}

/** Calls the tracker method named by a golden event with its JSON arguments. */
export function applyGoldenEvent(tracker: PeerLeaseHealthTracker, event: GoldenEvent): void {
  const method = tracker[event.op] as (...args: readonly unknown[]) => void;
  method.call(tracker, ...event.args);
}
