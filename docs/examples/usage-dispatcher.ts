import { randomUUID } from 'node:crypto';
import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { PeerHealthEligibility, PeerHealthModule, PeerLeaseHealthTracker, type PeerLeaseHandle } from '@omnirelay/peer-health';

@Injectable()
export class Dispatcher {
  private sequenceId = 0;

  constructor(
    private readonly tracker: PeerLeaseHealthTracker,
    private readonly eligibility: PeerHealthEligibility,
  ) {}

  /** Hands an item to a worker, unless some provider (the tracker or a custom one) says it is unhealthy. */
  lease(workerId: string, itemId: string): PeerLeaseHandle | undefined {
    if (!this.eligibility.isPeerEligible(workerId)) return undefined;
    const handle = { sequenceId: ++this.sequenceId, attempt: 1, leaseId: randomUUID() };
    this.tracker.recordLeaseAssignment(workerId, handle, 'catalog', itemId);
    return handle;
  }

  heartbeat(workerId: string, handle: PeerLeaseHandle, pendingCount: number): void {
    this.tracker.recordLeaseHeartbeat(workerId, handle, pendingCount);
  }

  complete(workerId: string, handle: PeerLeaseHandle): void {
    this.tracker.recordLeaseReleased(workerId, handle, /* requeued */ false);
  }

  /** The worker stopped renewing: requeue the item and mark the worker unhealthy, in one event. */
  expire(workerId: string, handle: PeerLeaseHandle): void {
    this.tracker.recordLeaseExpired(workerId, handle, /* requeued */ true);
  }
}

@Module({ imports: [PeerHealthModule.forRoot()], providers: [Dispatcher] })
export class AppModule {}

async function main(): Promise<void> {
  const app = await NestFactory.createApplicationContext(AppModule, { logger: ['error', 'warn'] });
  await app.init();
  const dispatcher = app.get(Dispatcher);
  const first = dispatcher.lease('worker-1', 'item-1');
  if (first) {
    dispatcher.heartbeat('worker-1', first, 3);
    dispatcher.complete('worker-1', first);
  }
  const second = dispatcher.lease('worker-1', 'item-2');
  if (second) dispatcher.expire('worker-1', second);
  console.log(`after expiry, lease to worker-1: ${dispatcher.lease('worker-1', 'item-3') === undefined ? 'refused' : 'granted'}`);
  const [peer] = app.get(PeerLeaseHealthTracker).snapshot();
  console.log(`pending reassignments: ${peer?.pendingReassignments ?? 0}`);
  await app.close();
}

void main();
