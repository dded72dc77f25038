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

/** The golden scenarios, kept in the repository so a clone needs nothing beside it. */
export const GOLDEN_FILE = resolve(__dirname, '../fixtures/lease-health-scenarios.json');

export function loadGolden(): GoldenFile {
  return JSON.parse(readFileSync(GOLDEN_FILE, 'utf8')) as GoldenFile;
}

type Args<K extends GoldenEvent['op']> = Parameters<PeerLeaseHealthTracker[K]>;

/** Calls the tracker method named by a golden event with its JSON arguments. */
export function applyGoldenEvent(tracker: PeerLeaseHealthTracker, event: GoldenEvent): void {
  switch (event.op) {
    case 'recordLeaseAssignment':
      tracker.recordLeaseAssignment(...(event.args as Args<'recordLeaseAssignment'>));
      break;
    case 'recordLeaseReleased':
      tracker.recordLeaseReleased(...(event.args as Args<'recordLeaseReleased'>));
      break;
    case 'recordLeaseHeartbeat':
      tracker.recordLeaseHeartbeat(...(event.args as Args<'recordLeaseHeartbeat'>));
      break;
    case 'recordDisconnect':
      tracker.recordDisconnect(...(event.args as Args<'recordDisconnect'>));
      break;
    case 'recordGossip':
      tracker.recordGossip(...(event.args as Args<'recordGossip'>));
      break;
  }
}
