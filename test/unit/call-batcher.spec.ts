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

    /** Fake timers and immediates; promise jobs run for real. */
    const fakeTimers = (): void => {
      jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
    };
    /** Settles pending promise jobs, then runs what is due `ms` later (immediates with 0), then settles again. */
    const advance = async (ms: number): Promise<void> => {
      for (let i = 0; i < 20; i++) await Promise.resolve();
      jest.advanceTimersByTime(ms);
      for (let i = 0; i < 20; i++) await Promise.resolve();
    };
    /** A runner whose batches end when `end()` is called, oldest first. */
    const manualRunner = () => {
      const batches: number[][] = [];
      const gates: Array<() => void> = [];
      const run = async (batch: ReadonlyArray<BatchedCall<number, string>>): Promise<Array<BatchedCall<number, string>>> => {
        batches.push(batch.map((call) => call.input));
        await new Promise<void>((resolve) => gates.push(resolve));
        for (const call of batch) call.resolve(`done ${call.input}`);
        return [];
      };
      const end = async (): Promise<void> => {
        gates.shift()?.();
        await advance(0);
      };
      return { batches, run, end };
    };

    it('starts a batch at the end of the turn with the calls made in it; beside a running one, waits for minBatch calls or the window', async () => {
      fakeTimers();
      const runner = manualRunner();
      const batcher = new CallBatcher<number, string>({ maxBatch: 10, inFlight: 2, gather: { minBatch: 3, waitMs: 5 }, run: runner.run });
      const answers = [batcher.submit(1), batcher.submit(2)];
      // Nothing runs: no batch within the turn; at its end, one batch with both calls.
      expect(runner.batches).toEqual([]);
      await advance(0);
      expect(runner.batches).toEqual([[1, 2]]);
      answers.push(batcher.submit(3), batcher.submit(4));
      // One runs and two wait (fewer than minBatch): no second batch until the window ends.
      await advance(4);
      expect(runner.batches).toEqual([[1, 2]]);
      await advance(1);
      expect(runner.batches).toEqual([[1, 2], [3, 4]]);
      // Both slots busy; minBatch calls start the next batch as soon as a slot frees, without the window.
      answers.push(batcher.submit(5), batcher.submit(6), batcher.submit(7));
      await runner.end();
      expect(runner.batches).toEqual([[1, 2], [3, 4], [5, 6, 7]]);
      await runner.end();
      await runner.end();
      await expect(Promise.all(answers)).resolves.toEqual(['done 1', 'done 2', 'done 3', 'done 4', 'done 5', 'done 6', 'done 7']);
      expect(jest.getTimerCount()).toBe(0);
    });

    it('never makes a lone caller wait beyond its turn', async () => {
      fakeTimers();
      const runner = manualRunner();
      const batcher = new CallBatcher<number, string>({ maxBatch: 10, inFlight: 2, gather: { minBatch: 5, waitMs: 1000 }, run: runner.run });
      for (const n of [1, 2, 3]) {
        const answer = batcher.submit(n);
        await advance(0);
        expect(runner.batches.at(-1)).toEqual([n]);
        await runner.end();
        await expect(answer).resolves.toBe(`done ${n}`);
      }
      expect(runner.batches).toEqual([[1], [2], [3]]);
      expect(jest.getTimerCount()).toBe(0);
    });

    it('after a batch of several, with none running, waits for as many calls as it held (at most minBatch), or the window', async () => {
      fakeTimers();
      const runner = manualRunner();
      const batcher = new CallBatcher<number, string>({ maxBatch: 10, inFlight: 2, gather: { minBatch: 3, waitMs: 5 }, run: runner.run });
      const answers = [batcher.submit(1), batcher.submit(2), batcher.submit(3), batcher.submit(4)];
      await advance(0);
      await runner.end();
      expect(runner.batches).toEqual([[1, 2, 3, 4]]);
      // The last batch held four: the next waits for three (minBatch), not for the window.
      answers.push(batcher.submit(5), batcher.submit(6));
      await advance(0);
      expect(runner.batches).toEqual([[1, 2, 3, 4]]);
      answers.push(batcher.submit(7));
      await advance(0);
      expect(runner.batches).toEqual([[1, 2, 3, 4], [5, 6, 7]]);
      await runner.end();
      // The last batch held three: a call alone waits for more, at most the window.
      answers.push(batcher.submit(8));
      await advance(4);
      expect(runner.batches).toEqual([[1, 2, 3, 4], [5, 6, 7]]);
      await advance(1);
      expect(runner.batches).toEqual([[1, 2, 3, 4], [5, 6, 7], [8]]);
      await runner.end();
      await expect(Promise.all(answers)).resolves.toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((n) => `done ${n}`));
      // The last batch held one: a call starts at the end of its turn again.
      const lone = batcher.submit(9);
      await advance(0);
      expect(runner.batches.at(-1)).toEqual([9]);
      await runner.end();
      await expect(lone).resolves.toBe('done 9');
      expect(jest.getTimerCount()).toBe(0);
    });

    it('runs the calls that wait at once when the running batch of one ends before the window does', async () => {
      fakeTimers();
      const runner = manualRunner();
      const batcher = new CallBatcher<number, string>({ maxBatch: 10, inFlight: 2, gather: { minBatch: 5, waitMs: 1000 }, run: runner.run });
      const answers = [batcher.submit(1)];
      await advance(0);
      answers.push(batcher.submit(2));
      await advance(0);
      expect(runner.batches).toEqual([[1]]);
      // The first batch ends: none runs and it held one, so the waiting call starts at once and no timer is left behind.
      await runner.end();
      expect(runner.batches).toEqual([[1], [2]]);
      expect(jest.getTimerCount()).toBe(0);
      await runner.end();
      await expect(Promise.all(answers)).resolves.toEqual(['done 1', 'done 2']);
    });
  });
});
