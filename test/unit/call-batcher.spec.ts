import { CallBatcher, type BatchedCall } from '@internal/resource-lease/store/call-batcher';

/** A batch runner whose batches end when the test says: records what each batch held. */
function gatedRunner(answer: (call: BatchedCall<number, string>) => 'resolve' | 'again' | 'keep') {
  const batches: number[][] = [];
  const gates: Array<() => void> = [];
  const run = async (batch: ReadonlyArray<BatchedCall<number, string>>): Promise<Array<BatchedCall<number, string>>> => {
    batches.push(batch.map((call) => call.input));
    await new Promise<void>((resolve) => gates.push(resolve));
    const again: Array<BatchedCall<number, string>> = [];
    for (const call of batch) {
      const what = answer(call);
      if (what === 'resolve') call.resolve(`done ${call.input}`);
      else if (what === 'again') again.push(call);
    }
    return again;
  };
  const openNext = async (): Promise<void> => {
    await new Promise((resolve) => setImmediate(resolve));
    gates.shift()?.();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { batches, run, openNext };
}

describe('CallBatcher', () => {
  it('starts a batch at once while fewer than inFlight run, and gathers the calls made meanwhile into the next', async () => {
    const runner = gatedRunner(() => 'resolve');
    const batcher = new CallBatcher<number, string>({ maxBatch: 3, inFlight: 1, run: runner.run });
    const answers = [1, 2, 3, 4, 5, 6].map((n) => batcher.submit(n));
    expect(runner.batches).toEqual([[1]]);
    await runner.openNext();
    // Five waited: the next batch takes three (maxBatch), the one after the last two.
    expect(runner.batches).toEqual([[1], [2, 3, 4]]);
    await runner.openNext();
    await runner.openNext();
    expect(runner.batches).toEqual([[1], [2, 3, 4], [5, 6]]);
    await expect(Promise.all(answers)).resolves.toEqual(['done 1', 'done 2', 'done 3', 'done 4', 'done 5', 'done 6']);
  });

  it('runs calls handed back ahead of later ones, and rejects every unanswered call of a batch that throws', async () => {
    let tries = 0;
    const runner = gatedRunner((call) => (call.input === 1 && tries++ === 0 ? 'again' : 'resolve'));
    const batcher = new CallBatcher<number, string>({ maxBatch: 1, inFlight: 1, run: runner.run });
    const first = batcher.submit(1);
    const second = batcher.submit(2);
    await runner.openNext();
    expect(runner.batches).toEqual([[1], [1]]);
    await runner.openNext();
    await runner.openNext();
    await expect(first).resolves.toBe('done 1');
    await expect(second).resolves.toBe('done 2');

    const failing = new CallBatcher<number, string>({
      maxBatch: 2,
      inFlight: 1,
      run: (batch) => {
        batch.find((call) => call.input === 1)?.resolve('answered before the failure');
        return Promise.reject(new Error('etcd unavailable'));
      },
    });
    const [a, b] = [failing.submit(1), failing.submit(2)];
    await expect(a).resolves.toBe('answered before the failure');
    await expect(b).rejects.toThrow('etcd unavailable');
  });

  describe('with gather', () => {
    afterEach(() => jest.useRealTimers());

    it('starts at once while no batch runs; beside a running one, waits for minBatch calls or the window', async () => {
      jest.useFakeTimers();
      const runner = gatedRunner(() => 'resolve');
      const batcher = new CallBatcher<number, string>({ maxBatch: 10, inFlight: 2, gather: { minBatch: 3, waitMs: 5 }, run: runner.run });
      const answers = [batcher.submit(1)];
      // Nothing runs: the first call is its own batch, at once.
      expect(runner.batches).toEqual([[1]]);
      answers.push(batcher.submit(2), batcher.submit(3));
      // One runs and two wait (fewer than minBatch): no second batch yet, however long the first takes, until the window ends.
      expect(runner.batches).toEqual([[1]]);
      jest.advanceTimersByTime(4);
      expect(runner.batches).toEqual([[1]]);
      jest.advanceTimersByTime(1);
      expect(runner.batches).toEqual([[1], [2, 3]]);
      // Both slots busy; then minBatch calls start the next batch as soon as a slot frees, without the window.
      answers.push(batcher.submit(4), batcher.submit(5), batcher.submit(6));
      jest.useRealTimers();
      await runner.openNext();
      expect(runner.batches).toEqual([[1], [2, 3], [4, 5, 6]]);
      await runner.openNext();
      await runner.openNext();
      await expect(Promise.all(answers)).resolves.toEqual(['done 1', 'done 2', 'done 3', 'done 4', 'done 5', 'done 6']);
    });

    it('runs the calls that wait at once when the running batch ends before the window does', async () => {
      jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
      const runner = gatedRunner(() => 'resolve');
      const batcher = new CallBatcher<number, string>({ maxBatch: 10, inFlight: 2, gather: { minBatch: 5, waitMs: 1000 }, run: runner.run });
      const answers = [batcher.submit(1), batcher.submit(2)];
      expect(runner.batches).toEqual([[1]]);
      // The first batch ends: no batch runs, so the waiting call starts at once and no timer is left behind.
      await runner.openNext();
      expect(runner.batches).toEqual([[1], [2]]);
      expect(jest.getTimerCount()).toBe(0);
      await runner.openNext();
      await expect(Promise.all(answers)).resolves.toEqual(['done 1', 'done 2']);
    });
  });
});
