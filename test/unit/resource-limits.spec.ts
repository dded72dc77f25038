import { Test } from '@nestjs/testing';
import { PeerHealthModule } from '@omnirelay/peer-health';
import { jsonDepthExceeds } from '@internal/resource-lease/payload-bounds';
import {
  LeaseRequestError,
  MAX_HOLDERS_PER_ITEM,
  ResourceLeaseModule,
  ResourceLeaseQueue,
  type ResourceLeaseOptions,
} from '@omnirelay/resource-lease';

function nested(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { child: value };
  return value;
}

async function queueWith(options: ResourceLeaseOptions): Promise<{ queue: ResourceLeaseQueue; close: () => Promise<void> }> {
  const moduleRef = await Test.createTestingModule({
    imports: [PeerHealthModule.forRoot({ heartbeatGracePeriodMs: 60_000 }), ResourceLeaseModule.forRoot(options)],
  }).compile();
  return { queue: moduleRef.get(ResourceLeaseQueue), close: () => moduleRef.close() };
}

async function refusal(action: () => unknown): Promise<LeaseRequestError> {
  try {
    await action();
  } catch (error) {
    if (error instanceof LeaseRequestError) return error;
    throw error;
  }
  throw new Error('expected a LeaseRequestError');
}

const item = (n: number, payload?: unknown) => ({ resourceType: 'job', resourceId: `r-${n}`, payload });

describe('payload depth', () => {
  it('measures nesting without recursion, even 100,000 levels deep', () => {
    expect(jsonDepthExceeds(nested(32), 32)).toBe(false);
    expect(jsonDepthExceeds(nested(33), 32)).toBe(true);
    expect(jsonDepthExceeds(nested(100_000), 32)).toBe(true);
    expect(jsonDepthExceeds({ a: [1, 2, { b: null }], c: 'x' }, 3)).toBe(false);
    expect(jsonDepthExceeds('scalar', 0)).toBe(false);
  });
});

describe('the dispatcher limits', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  it('refuses a payload that is too deep (400) or too large (413) before storing anything', async () => {
    const made = await queueWith({ maxPayloadBytes: 1024, maxPayloadDepth: 4 });
    close = made.close;
    expect(await refusal(() => made.queue.enqueue(item(1, nested(5000))))).toMatchObject({ status: 400, code: 'payload-too-deep' });
    expect(await refusal(() => made.queue.enqueue(item(2, 'x'.repeat(1100))))).toMatchObject({ status: 413, code: 'payload-too-large' });
    expect(await made.queue.enqueue(item(3, nested(4)))).toBe(1);
    expect(await made.queue.stats()).toMatchObject({ total: 1, pending: 1 });
  });

  it('answers 429 once the unfinished items reach the cap, and takes work again once one finishes', async () => {
    const made = await queueWith({ maxQueuedItems: 2 });
    close = made.close;
    await made.queue.enqueue(item(1));
    await made.queue.enqueue(item(2));
    expect(await refusal(() => made.queue.enqueue(item(3)))).toMatchObject({ status: 429, code: 'queue-full' });
    const grant = await made.queue.lease('w-1');
    if (!grant) throw new Error('no grant');
    expect(await refusal(() => made.queue.enqueue(item(3)))).toMatchObject({ status: 429 });
    await made.queue.complete(grant.leaseId, { workerId: 'w-1', sequenceId: grant.sequenceId, attempt: grant.attempt });
    expect(await made.queue.enqueue(item(3))).toBe(3);
  });

  it('drops a payload on completion and keeps only the newest finished items, with every count', async () => {
    const made = await queueWith({ completedRetention: 2 });
    close = made.close;
    for (let n = 1; n <= 4; n++) {
      await made.queue.enqueue(item(n, { big: 'x'.repeat(1000) }));
      const grant = await made.queue.lease('w-1');
      if (!grant) throw new Error('no grant');
      await made.queue.complete(grant.leaseId, { workerId: 'w-1', sequenceId: grant.sequenceId, attempt: grant.attempt });
    }
    expect(await made.queue.stats()).toMatchObject({ total: 4, completed: 4, pending: 0, leased: 0 });
    expect(await refusal(() => made.queue.item(1))).toMatchObject({ status: 404 });
    expect(await refusal(() => made.queue.item(2))).toMatchObject({ status: 404 });
    expect(await made.queue.item(4)).toMatchObject({ state: 'completed', completedBy: 'w-1' });
  });

  it('dead-letters an item after its last attempt instead of requeueing it for ever, and bounds its holders', async () => {
    const made = await queueWith({ maxAttempts: 20 });
    close = made.close;
    await made.queue.enqueue(item(1));
    for (let attempt = 1; attempt <= 20; attempt++) {
      const grant = await made.queue.lease(`w-${attempt}`);
      if (!grant) throw new Error(`no grant at attempt ${attempt}`);
      expect(grant.attempt).toBe(attempt);
      await made.queue.fail(grant.leaseId, { workerId: `w-${attempt}`, sequenceId: 1, attempt });
    }
    expect(await made.queue.lease('w-21')).toBeUndefined();
    const view = await made.queue.item(1);
    expect(view).toMatchObject({ state: 'dead-letter', attempt: 20 });
    expect(view.holders).toHaveLength(MAX_HOLDERS_PER_ITEM);
    expect(view.holders.at(-1)).toBe('w-20');
    const stats = await made.queue.stats();
    expect(stats).toMatchObject({ total: 1, pending: 0, leased: 0, completed: 0, deadLettered: 1, requeued: 19, recentDeadLetters: [1] });
    expect(stats.total).toBe(stats.pending + stats.leased + stats.completed + stats.deadLettered);
  });

  it('refuses options that cannot work', async () => {
    await expect(queueWith({ leaseDurationMs: 0 })).rejects.toThrow(/leaseDurationMs/);
    await expect(queueWith({ leaseDurationMs: 2 ** 31 })).rejects.toThrow(/leaseDurationMs/);
    await expect(queueWith({ maxQueuedItems: 0 })).rejects.toThrow(/maxQueuedItems/);
  });
});
